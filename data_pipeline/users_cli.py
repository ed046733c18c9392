"""``python -m data_pipeline users ...``: staff accounts for signing in to the dashboard.

Passwords are never command-line arguments (they would sit in shell history and ``ps``): they
are asked for twice at a prompt, or read from the first line of standard input with
``--password-stdin``. At least 12 characters.

The roles and what each may do are in ``warehouse.access``; ``--help`` lists them.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy import Engine

from warehouse import access
from warehouse import users as accounts

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def add_users_parser(commands: Any) -> None:
    """Register ``users`` and its subcommands on the main parser's subparsers."""
    users = commands.add_parser(
        "users",
        help="create staff accounts, set roles, reset passwords",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = users.add_subparsers(dest="users_command", required=True)

    create = actions.add_parser("create", help="add an account")
    create.add_argument("email")
    create.add_argument("--name", required=True, help="display name shown in audit trails")
    _role_arguments(create)
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )

    set_role = actions.add_parser("set-role", help="change an account's role and workstreams")
    set_role.add_argument("email")
    _role_arguments(set_role)

    reset = actions.add_parser("reset-password", help="set a new password; ends open sessions")
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    deactivate = actions.add_parser("deactivate", help="disable an account; ends open sessions")
    deactivate.add_argument("email")

    listing = actions.add_parser("list", help="list accounts (never their password hashes)")
    listing.add_argument("--json", action="store_true")


def _role_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--role",
        required=True,
        choices=tuple(access.ROLES),
        help="; ".join(f"{name}: {role.duty}" for name, role in access.ROLES.items()),
    )
    parser.add_argument(
        "--workstream",
        dest="workstreams",
        action="append",
        default=[],
        metavar="ID",
        help="a workstream a lead may edit, e.g. WS1 (repeat for several)",
    )


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise accounts.UserError("password: no terminal to ask at; use --password-stdin")
    first = getpass.getpass("New password: ")
    accounts.check_password_strength(first)
    if getpass.getpass("Repeat it: ") != first:
        raise accounts.UserError("password: the two entries differ")
    return first


def run_users(engine: Engine, args: argparse.Namespace, console: Console, errors: Console) -> int:
    try:
        return _run(engine, args, console)
    except accounts.UserError as error:
        errors.print(f"users {args.users_command}: {error}", markup=False)
        return EXIT_BAD_INPUT


def _describe(user: accounts.StoredUser) -> str:
    workstreams = f" for {', '.join(user.workstreams)}" if user.workstreams else ""
    state = "" if user.is_active else " (deactivated)"
    return f"{user.email}: {user.role}{workstreams}{state}"


def _run(engine: Engine, args: argparse.Namespace, console: Console) -> int:
    command = args.users_command
    if command == "create":
        password = _read_password(args.password_stdin)
        user = accounts.create_user(
            engine, args.email, args.name, password, args.role, args.workstreams
        )
        console.print(f"Created {_describe(user)}", markup=False)
    elif command == "set-role":
        user = accounts.set_role(engine, args.email, args.role, args.workstreams)
        console.print(f"Updated {_describe(user)}", markup=False)
    elif command == "reset-password":
        if accounts.find_user(engine, args.email) is None:
            raise accounts.UserError(
                f"email: no account for {accounts.normalise_email(args.email)}"
            )
        user = accounts.reset_password(engine, args.email, _read_password(args.password_stdin))
        console.print(f"New password set for {user.email}; their open sessions have ended")
    elif command == "deactivate":
        user = accounts.deactivate(engine, args.email)
        console.print(f"Deactivated {user.email}; their open sessions have ended", markup=False)
    else:
        rows = accounts.list_users(engine)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "email": u.email,
                            "display_name": u.display_name,
                            "role": u.role,
                            "workstreams": list(u.workstreams),
                            "is_active": u.is_active,
                            "created_at": u.created_at.isoformat(),
                        }
                        for u in rows
                    ],
                    indent=2,
                )
            )
            return EXIT_OK
        table = RichTable("email", "name", "role", "workstreams", "active")
        for u in rows:
            table.add_row(
                u.email,
                u.display_name,
                u.role,
                ", ".join(u.workstreams),
                "yes" if u.is_active else "no",
            )
        console.print(table)
        console.print(f"{len(rows)} account(s)")
    return EXIT_OK
