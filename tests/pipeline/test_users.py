"""Staff accounts in meta_users (warehouse/users.py) on SQLite and PostgreSQL, and the
``python -m data_pipeline users`` commands."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, select

from warehouse import users
from warehouse.schema import meta_users

PASSWORD = "correct horse battery"


def test_create_find_and_verify(engine: Engine) -> None:
    created = users.create_user(
        engine, " Lee@Example.ORG ", "Lee Lead", PASSWORD, "lead", ["WS1", "WS3"]
    )
    assert created.email == "lee@example.org"
    assert created.workstreams == ("WS1", "WS3")
    assert created.is_active
    assert users.find_user(engine, "LEE@example.org") == created
    assert users.verify_password(engine, "lee@example.org", PASSWORD) == created
    assert users.verify_password(engine, "lee@example.org", "wrong password!!") is None
    assert users.verify_password(engine, "nobody@example.org", PASSWORD) is None
    with engine.connect() as conn:
        stored = conn.execute(select(meta_users.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


@pytest.mark.parametrize(
    ("email", "name", "password", "role", "workstreams", "message"),
    [
        ("not-an-email", "A", PASSWORD, "admin", [], "email"),
        ("a@example.org", " ", PASSWORD, "admin", [], "display name"),
        ("a@example.org", "A", "short", "admin", [], "at least 12"),
        ("a@example.org", "A", PASSWORD, "owner", [], "role"),
        ("a@example.org", "A", PASSWORD, "lead", [], "workstreams"),
        ("a@example.org", "A", PASSWORD, "lead", ["WS1;WS2"], "workstreams"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_saved(
    engine: Engine,
    email: str,
    name: str,
    password: str,
    role: str,
    workstreams: list[str],
    message: str,
) -> None:
    with pytest.raises(users.UserError, match=message):
        users.create_user(engine, email, name, password, role, workstreams)
    assert users.list_users(engine) == []


def test_one_account_per_email(engine: Engine) -> None:
    users.create_user(engine, "a@example.org", "A", PASSWORD, "admin")
    with pytest.raises(users.UserError, match="already has an account"):
        users.create_user(engine, "A@example.org", "B", PASSWORD, "leadership")


def test_set_role_reset_password_and_deactivate(engine: Engine) -> None:
    users.create_user(engine, "a@example.org", "A", PASSWORD, "lead", ["WS1"])
    changed = users.set_role(engine, "a@example.org", "leadership")
    assert (changed.role, changed.workstreams) == ("leadership", ())
    users.reset_password(engine, "a@example.org", "a brand new passphrase")
    assert users.verify_password(engine, "a@example.org", PASSWORD) is None
    assert users.verify_password(engine, "a@example.org", "a brand new passphrase") is not None
    gone = users.deactivate(engine, "a@example.org")
    assert not gone.is_active
    assert users.verify_password(engine, "a@example.org", "a brand new passphrase") is None
    with pytest.raises(users.UserError, match="no account"):
        users.set_role(engine, "b@example.org", "admin")


def test_cli_creates_lists_changes_and_deactivates(database_url: str, run_cli: Any) -> None:
    created = run_cli(
        "users",
        "create",
        "Lee@example.org",
        "--name",
        "Lee Lead",
        "--role",
        "lead",
        "--workstream",
        "WS1",
        "--workstream",
        "WS2",
        "--password-stdin",
        database_url=database_url,
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    assert "lee@example.org: lead for WS1, WS2" in created.stdout

    listed = run_cli("users", "list", "--json", database_url=database_url)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["email"], r["role"], r["workstreams"]) for r in rows] == [
        ("lee@example.org", "lead", ["WS1", "WS2"])
    ]
    assert "scrypt" not in listed.stdout and "password" not in listed.stdout

    promoted = run_cli(
        "users", "set-role", "lee@example.org", "--role", "leadership", database_url=database_url
    )
    assert promoted.returncode == 0 and "leadership" in promoted.stdout

    reset = run_cli(
        "users",
        "reset-password",
        "lee@example.org",
        "--password-stdin",
        database_url=database_url,
        stdin="another good passphrase\n",
    )
    assert reset.returncode == 0, reset.stderr
    off = run_cli("users", "deactivate", "lee@example.org", database_url=database_url)
    assert off.returncode == 0

    from warehouse.db import make_engine

    engine = make_engine(database_url)
    try:
        stored = users.find_user(engine, "lee@example.org")
        assert stored is not None and stored.role == "leadership" and not stored.is_active
        assert users.verify_password(engine, "lee@example.org", "another good passphrase") is None
    finally:
        engine.dispose()


def test_cli_refuses_bad_input_with_a_message_and_exit_2(database_url: str, run_cli: Any) -> None:
    short = run_cli(
        "users",
        "create",
        "a@example.org",
        "--name",
        "A",
        "--role",
        "admin",
        "--password-stdin",
        database_url=database_url,
        stdin="short\n",
    )
    assert short.returncode == 2
    assert "users create: password: must be at least 12 characters" in short.stderr
    no_terminal = run_cli(
        "users",
        "create",
        "a@example.org",
        "--name",
        "A",
        "--role",
        "admin",
        database_url=database_url,
        stdin="",
    )
    assert no_terminal.returncode == 2 and "--password-stdin" in no_terminal.stderr
    as_argument = run_cli(
        "users",
        "create",
        "a@example.org",
        "--name",
        "A",
        "--role",
        "admin",
        "--password",
        PASSWORD,
        database_url=database_url,
    )
    assert as_argument.returncode == 2  # there is no --password option
    unknown = run_cli("users", "deactivate", "nobody@example.org", database_url=database_url)
    assert unknown.returncode == 2 and "no account for nobody@example.org" in unknown.stderr
    listed = run_cli("users", "list", "--json", database_url=database_url)
    assert json.loads(listed.stdout) == []


def test_cli_help_documents_the_commands(database_url: str, run_cli: Any) -> None:
    helped = run_cli("users", "--help", database_url=database_url)
    assert helped.returncode == 0
    for command in (
        "create",
        "set-role",
        "reset-password",
        "deactivate",
        "list",
        "--password-stdin",
    ):
        assert command in helped.stdout
