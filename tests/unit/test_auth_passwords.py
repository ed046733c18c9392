"""Password hashing and the auth settings: scrypt, salted, short passwords refused; production
without SECRET_KEY refuses; cookie flags; the User's role helpers; no open redirect."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from warehouse.users import MIN_PASSWORD_LENGTH, UserError, hash_password
from web.auth import User, auth_settings, is_production, safe_next

PASSWORD = "correct horse battery"


def test_hashes_are_scrypt_salted_and_verify() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt:")
    assert first != second  # a fresh salt each time
    assert PASSWORD not in first
    assert check_password_hash(first, PASSWORD)
    assert not check_password_hash(first, PASSWORD + "!")
    assert not check_password_hash(first, PASSWORD.upper())


def test_passwords_shorter_than_the_minimum_are_refused() -> None:
    with pytest.raises(UserError, match="at least 12"):
        hash_password("x" * (MIN_PASSWORD_LENGTH - 1))
    assert hash_password("x" * MIN_PASSWORD_LENGTH).startswith("scrypt:")


def test_production_refuses_to_start_without_a_secret_key() -> None:
    assert is_production({"OBSERVATORY_ENV": "Production"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        auth_settings({"OBSERVATORY_ENV": "production"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        auth_settings({"OBSERVATORY_ENV": "production", "SECRET_KEY": ""})


def test_production_cookies_are_secure_httponly_and_samesite() -> None:
    settings = auth_settings({"OBSERVATORY_ENV": "production", "SECRET_KEY": "k" * 40})
    assert settings["SECRET_KEY"] == "k" * 40
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert "X-CSRFToken" in settings["WTF_CSRF_HEADERS"]


def test_development_makes_one_random_key_shared_by_every_worker() -> None:
    first = auth_settings({})
    second = auth_settings({})
    assert first["SESSION_COOKIE_SECURE"] is False  # plain http on localhost
    assert len(first["SECRET_KEY"]) >= 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]


@pytest.mark.parametrize(
    ("role", "edits_ws1", "edits_ws2", "drafts", "admin"),
    [
        ("lead", True, False, False, False),
        ("leadership", False, False, True, False),
        ("admin", False, False, True, True),
    ],
)
def test_role_helpers(
    role: str, edits_ws1: bool, edits_ws2: bool, drafts: bool, admin: bool
) -> None:
    workstreams = ("WS1",) if role == "lead" else ()
    user = User(1, "a@example.org", "A", role, workstreams)
    assert user.can_edit("WS1") is edits_ws1
    assert user.can_edit("WS2") is edits_ws2
    assert user.sees_drafts is drafts
    assert user.is_admin is admin


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/funding?fy_from=2022", "/funding?fy_from=2022"),
        ("/admin/users?", "/admin/users"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_after_sign_in_only_paths_on_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
