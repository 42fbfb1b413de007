"""Test a database URL before it is saved: can we connect, and is the schema usable?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from pos.errors import ConfigError, PosError
from pos.services import open_store


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str
    schema_state: str | None = None


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def migrate_command(url: str) -> str:
    """The exact command that creates or upgrades this database's schema."""
    return f"pos migrate --database {safe_url(url)}"


def diagnose(err: PosError) -> str:
    """What a failed database call means, from the driver's own error when there is one
    (`pos check`, `pos configure` and the GUI's start-up all say the same)."""
    cause = err.__cause__
    return describe_failure(cause) if cause is not None else err.message


def describe_failure(exc: BaseException) -> str:
    """Turn a driver error into what an installer needs to know."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "no password supplied" in text:
        return (
            "The server wants a password and none was given: keep it in a libpq password "
            "file (`pos configure --password-stdin` saves it in pos's own, mode 0600), or "
            "let `pos migrate` / `pos configure` ask for it (--ask-password)."
        )
    if "password authentication failed" in text:
        return "The server refused the user name or password."
    if "does not exist" in text and "database" in text:
        return "The server has no database of that name (create it first)."
    if "could not translate host name" in text or "name or service not known" in text:
        return "The server's host name is unknown (check the spelling or the network)."
    if "connection refused" in text or "timeout" in text or "timed out" in text:
        return "The server does not answer (is it running, and is the port right?)."
    if "unable to open database file" in text:
        return "The database file cannot be created or opened there."
    return f"Cannot connect: {str(getattr(exc, 'orig', exc)).strip().splitlines()[0][:200]}"


def check_connection(url: str) -> ConnectionCheck:
    try:
        store = open_store(url, pool_size=1)
    except ConfigError as exc:  # a malformed URL (pos.db_url says what is wrong)
        return ConnectionCheck(False, exc.message)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        return ConnectionCheck(False, f"That is not a database URL pos understands: {exc}")
    try:
        state = store.schema_state()
    except PosError as err:  # the driver's own error says why; the installer needs that
        return ConnectionCheck(False, diagnose(err))
    except DBAPIError as exc:
        return ConnectionCheck(False, describe_failure(exc))
    finally:
        store.close()
    if state == "too_new":
        return ConnectionCheck(
            False, "The database was upgraded by a newer pos; install that version here.", state
        )
    notes = {
        "empty": "Connected. The database is empty: run "
        f"`{migrate_command(url)}` once to create the schema.",
        "outdated": "Connected. The schema is older than this app: a manager must run "
        f"`{migrate_command(url)}`.",
        "current": "Connected; the schema is up to date.",
    }
    return ConnectionCheck(True, notes[state], state)
