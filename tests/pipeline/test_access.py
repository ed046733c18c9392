"""Roles and their rights live in warehouse/access.py alone: a role added there is accepted by
the accounts and the command line, labelled, and given exactly the rights it lists, and no other
module names a role to decide what someone may do."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_pipeline.users_cli import add_users_parser
from warehouse import access, editing, paper_review, users
from warehouse.access import Role

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
AUDITOR = Role("auditor", "Auditor", "reads drafts, changes nothing", sees_drafts=True)


@pytest.fixture
def auditor(monkeypatch: pytest.MonkeyPatch) -> Role:
    monkeypatch.setitem(access.ROLES, AUDITOR.name, AUDITOR)
    monkeypatch.setitem(access.ROLE_LABELS, AUDITOR.name, AUDITOR.label)
    return AUDITOR


def test_a_role_added_to_access_is_accepted_labelled_and_given_only_its_rights(
    engine: Engine, auditor: Role
) -> None:
    created = users.create_user(engine, "a@example.org", "Ann Auditor", PASSWORD, "auditor")
    assert created.role == "auditor"
    assert access.role_label("auditor") == "Auditor"

    commands = argparse.ArgumentParser().add_subparsers(dest="command")
    add_users_parser(commands)
    parser = commands.choices["users"]
    args = parser.parse_args(["set-role", "a@example.org", "--role", "auditor"])
    assert args.role == "auditor"
    actions = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    help_text = " ".join(actions.choices["set-role"].format_help().split())
    assert "auditor: reads drafts, changes nothing" in help_text

    staff = editing.StaffMember(1, "Ann Auditor", "auditor", ("WS1",))
    assert access.has_right("auditor", "sees_drafts")
    assert not editing.may_edit(staff, "WS1") and not editing.may_publish(staff, "WS1")
    assert not paper_review.may_see_queue(staff) and not paper_review.may_review(staff)
    assert "auditor" in access.roles_with("sees_drafts")
    assert "auditor" not in access.roles_with("manages_data")


def test_the_rights_of_todays_roles() -> None:
    assert access.ROLE_NAMES == ("lead", "leadership", "admin")
    assert access.roles_with("freezes_snapshots") == ("leadership", "admin")
    assert access.roles_with("sees_drafts") == ("leadership", "admin")
    assert access.roles_with("manages_data") == access.roles_with("manages_users") == ("admin",)
    assert access.roles_with("reviews_papers") == ("lead",)
    assert access.may_edit("lead", ("WS1",), "WS1") and not access.may_edit("lead", ("WS1",), "WS2")
    assert access.may_publish("leadership", (), "WS2") and not access.may_publish(
        "admin", (), "WS2"
    )
    assert not access.has_right(None, "sees_drafts") and not access.has_right(
        "owner", "sees_drafts"
    )
    with pytest.raises(ValueError, match="unknown right"):
        access.has_right("admin", "flies")


# A role named in a comparison, a membership test or require_role(...): a rule kept outside
# warehouse/access.py, which a new role would have to be added to by hand.
ROLE_NAMES = "|".join(access.ROLE_NAMES)
ROLE_RULE = re.compile(
    rf"""role\s*(==|!=|\bin\b|\bnot in\b)\s*[(\[{{]?\s*["']({ROLE_NAMES})["']"""
    rf"""|require_role\(\s*["']({ROLE_NAMES})["']"""
    rf"""|\{{\s*["']({ROLE_NAMES})["']\s*:"""
)


@pytest.mark.parametrize(
    "folder", ["web", "warehouse", "callbacks", "components", "pages", "data_pipeline"]
)
def test_no_module_but_access_names_a_role_in_a_rule(folder: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.relative_to(ROOT).as_posix() != "warehouse/access.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ROLE_RULE.search(line)
    ]
    assert offenders == [], "use warehouse.access:\n" + "\n".join(offenders)
