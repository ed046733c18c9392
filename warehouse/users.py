"""Local staff accounts in ``meta_users``: create, change role, reset password, deactivate, find,
verify a password.

Passwords are hashed with scrypt (werkzeug's ``generate_password_hash(method="scrypt")``: a
random salt per hash, memory-hard); the hash string names its method and parameters, so old
hashes still verify if the parameters are raised later. A password shorter than
``MIN_PASSWORD_LENGTH`` is refused. Emails are stored and looked up in lower case.

Roles: ``lead`` (edits the workstreams listed in ``workstreams``), ``leadership`` (sees drafts
and internal pages), ``admin`` (manages users and loads data). The public never has an account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Engine, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from warehouse import access
from warehouse.schema import meta_users

MIN_PASSWORD_LENGTH = 12
HASH_METHOD = "scrypt"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@cache
def _dummy_hash() -> str:
    """Verified when the email is unknown, so an unknown email costs as long as a wrong
    password (no timing oracle for which emails have accounts)."""
    return generate_password_hash("not-a-real-password-xx", method=HASH_METHOD)


class UserError(ValueError):
    """Bad input for an account change: the message says which field and why."""


@dataclass(frozen=True)
class StoredUser:
    """One row of ``meta_users``, without the hash."""

    user_id: int
    email: str
    display_name: str
    role: str
    workstreams: tuple[str, ...]
    is_active: bool
    created_at: datetime


def hash_password(password: str) -> str:
    """The scrypt hash of ``password``; raises ``UserError`` if it is too short."""
    check_password_strength(password)
    return generate_password_hash(password, method=HASH_METHOD)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password: must be at least {MIN_PASSWORD_LENGTH} characters")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_role(role: str, workstreams: tuple[str, ...]) -> None:
    if role not in access.ROLES:
        raise UserError(f"role: must be one of {', '.join(access.ROLES)}, not {role!r}")
    if access.needs_workstreams(role) and not workstreams:
        raise UserError(f"workstreams: a {role} needs at least one workstream (e.g. WS1)")


def _clean_workstreams(workstreams: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    cleaned = [w.strip() for w in workstreams if w.strip()]
    for workstream in cleaned:
        if ";" in workstream:
            raise UserError(f"workstreams: {workstream!r} may not contain ';'")
    return tuple(dict.fromkeys(cleaned))


def _row_to_user(row: object) -> StoredUser:
    mapping = row._mapping  # type: ignore[attr-defined]
    return StoredUser(
        user_id=int(mapping["user_id"]),
        email=str(mapping["email"]),
        display_name=str(mapping["display_name"]),
        role=str(mapping["role"]),
        workstreams=tuple(w for w in (mapping["workstreams"] or "").split(";") if w),
        is_active=bool(mapping["is_active"]),
        created_at=mapping["created_at"],
    )


_COLUMNS = (
    meta_users.c.user_id,
    meta_users.c.email,
    meta_users.c.display_name,
    meta_users.c.role,
    meta_users.c.workstreams,
    meta_users.c.is_active,
    meta_users.c.created_at,
)


def create_user(
    engine: Engine,
    email: str,
    display_name: str,
    password: str,
    role: str,
    workstreams: tuple[str, ...] | list[str] = (),
) -> StoredUser:
    """Add an active account. Raises ``UserError`` for a bad email, name, role or password, or
    an email that already has an account."""
    email = normalise_email(email)
    if not _EMAIL.match(email):
        raise UserError(f"email: {email!r} is not an email address")
    if not display_name.strip():
        raise UserError("display name: must not be empty")
    cleaned = _clean_workstreams(workstreams)
    _check_role(role, cleaned)
    password_hash = hash_password(password)
    with engine.begin() as conn:
        if conn.execute(select(meta_users.c.user_id).where(meta_users.c.email == email)).first():
            raise UserError(f"email: {email} already has an account")
        conn.execute(
            meta_users.insert().values(
                email=email,
                display_name=display_name.strip(),
                password_hash=password_hash,
                role=role,
                workstreams=";".join(cleaned) or None,
                is_active=True,
                created_at=datetime.now(UTC),
            )
        )
    user = find_user(engine, email)
    assert user is not None
    return user


def _update(engine: Engine, email: str, **values: object) -> StoredUser:
    email = normalise_email(email)
    with engine.begin() as conn:
        result = conn.execute(update(meta_users).where(meta_users.c.email == email).values(values))
        if result.rowcount == 0:
            raise UserError(f"email: no account for {email}")
    user = find_user(engine, email)
    assert user is not None
    return user


def set_role(
    engine: Engine, email: str, role: str, workstreams: tuple[str, ...] | list[str] = ()
) -> StoredUser:
    """Give an account a role and (for a lead) its workstreams, replacing the old ones."""
    cleaned = _clean_workstreams(workstreams)
    _check_role(role, cleaned)
    return _update(engine, email, role=role, workstreams=";".join(cleaned) or None)


def reset_password(engine: Engine, email: str, password: str) -> StoredUser:
    """Set a new password. Sessions signed in with the old one stop working (see web/auth)."""
    return _update(engine, email, password_hash=hash_password(password))


def deactivate(engine: Engine, email: str) -> StoredUser:
    """Disable an account: it can no longer sign in, and its open sessions end. The row stays
    so that audit trails keep its name."""
    return _update(engine, email, is_active=False)


def find_user(engine: Engine, email: str) -> StoredUser | None:
    """The account with this email (any case), active or not."""
    with engine.connect() as conn:
        row = conn.execute(
            select(*_COLUMNS).where(meta_users.c.email == normalise_email(email))
        ).first()
    return _row_to_user(row) if row else None


def get_user(engine: Engine, user_id: int) -> tuple[StoredUser, str] | None:
    """The account and its password hash by id (the session stores the id)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(*_COLUMNS, meta_users.c.password_hash).where(meta_users.c.user_id == user_id)
        ).first()
    return (_row_to_user(row), str(row._mapping["password_hash"])) if row else None


def list_users(engine: Engine) -> list[StoredUser]:
    with engine.connect() as conn:
        rows = conn.execute(select(*_COLUMNS).order_by(meta_users.c.email)).all()
    return [_row_to_user(row) for row in rows]


def verify_password(engine: Engine, email: str, password: str) -> StoredUser | None:
    """The active account whose email and password match, else None. Takes as long for an
    unknown email as for a wrong password."""
    with engine.connect() as conn:
        row = conn.execute(
            select(*_COLUMNS, meta_users.c.password_hash).where(
                meta_users.c.email == normalise_email(email)
            )
        ).first()
    if row is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(str(row._mapping["password_hash"]), password):
        return None
    user = _row_to_user(row)
    return user if user.is_active else None
