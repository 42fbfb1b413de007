"""Sign-in delays per typed name, the same for names that exist and names that do not.

The rule (what a person at the sign-in screen, or a script, can observe):
- Failures are counted per name as typed (case-folded, surrounding blanks ignored),
  whether or not an account of that name exists, is active, or the password was wrong:
  every refusal for a name counts the same way.
- After `free_failures` failures in a row, each further try with that name must wait
  2, 4, 8, ... seconds (doubling with each failure, capped at `cap_seconds`). A try
  during the wait is refused at once, before any password is checked, and is not
  counted; its answer is NOT_AUTHENTICATED with `retry_after_seconds`, as is the failure
  that starts or lengthens a wait. Unknown names get exactly the same answers at the same
  counts, so neither the code, the message, the detail nor the timing says which names
  exist.
- A right password after the wait signs in and clears the count; so does a manager
  setting a new password. A count with no failure for FORGET_AFTER starts again at 1.
- Stores that allow PINs use the stronger PINS policy for every name (a policy chosen
  per account would show which accounts use a PIN).
- Anyone can still slow a name down, but never lock it: the real user waits at most the
  cap between tries, and an attacker gets one guess per cap (288 a day with passwords,
  96 with PINs) instead of a 5-minute lock anyone could renew on any account.

Pure functions (the policy and the answers) plus the booking SQL, which runs in the
caller's transaction: the name's row is taken with an upsert (PostgreSQL row lock;
SQLite's BEGIN IMMEDIATE serialises writers), so parallel wrong guesses each count.
"""

from __future__ import annotations

import hashlib
import math
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, delete, inspect, select, update

from pos.errors import ErrorCode, PosError
from pos.models import SignInFailure
from pos.services.people.secret_rules import pins_allowed
from pos.services.plumbing.uow import Tx


@dataclass(frozen=True)
class Policy:
    free_failures: int  # failures before the first wait
    cap_seconds: int  # the longest wait between two tries


PASSWORDS = Policy(free_failures=3, cap_seconds=300)
PINS = Policy(free_failures=2, cap_seconds=900)  # 10^4 PINs: fewer free tries, longer cap
FORGET_AFTER = timedelta(hours=24)
PRUNE_BATCH = 100

# Databases known to have the sign_in_failures table (it never goes away once there).
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


# -- pure policy -----------------------------------------------------------------------
def name_key(name: str) -> str:
    """The row key of a typed name: a digest, so any text fits the column (NUL, 10,000
    characters) and the table holds no names people typed."""
    folded = name.strip().casefold().encode("utf-8", "surrogatepass")
    return hashlib.sha256(folded).hexdigest()


def delay_seconds(failures: int, policy: Policy) -> int:
    """How long the next try must wait after this many failures in a row."""
    if failures < policy.free_failures:
        return 0
    steps = failures - policy.free_failures + 1
    return policy.cap_seconds if steps >= 32 else min(policy.cap_seconds, 2**steps)


def seconds_until(when: datetime, now: datetime) -> int:
    return max(1, math.ceil((when - now).total_seconds()))


def wrong_credentials(retry_after: int = 0) -> PosError:
    """The answer to every failed sign-in, for unknown names as for wrong passwords."""
    if not retry_after:
        return PosError(ErrorCode.NOT_AUTHENTICATED, "Wrong user name or password.")
    return PosError(
        ErrorCode.NOT_AUTHENTICATED,
        f"Wrong user name or password. Wait {_wait_words(retry_after)} before the next try.",
        {"retry_after_seconds": retry_after},
    )


def must_wait(retry_after: int) -> PosError:
    """The answer to a try during a wait, checked before any password."""
    return PosError(
        ErrorCode.NOT_AUTHENTICATED,
        f"Too many failed sign-ins with this name: try again in {_wait_words(retry_after)}.",
        {"retry_after_seconds": retry_after},
    )


def _wait_words(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"{math.ceil(seconds / 60)} minutes"


# -- booking (in the caller's transaction) ---------------------------------------------
def policy_for(tx: Tx) -> Policy:
    return PINS if pins_allowed(tx) else PASSWORDS


def waiting(tx: Tx, name: str, now: datetime, *, lock: bool = False) -> PosError | None:
    """must_wait(...) while the name's wait runs, else None. lock=True takes the row for
    the rest of the transaction (booking), so a wait another counter just started counts."""
    if not _table_ready(tx):
        return None
    query = select(SignInFailure.retry_at).where(SignInFailure.name_key == name_key(name))
    if lock:
        query = query.with_for_update()
    retry_at = tx.session.execute(query).scalar()
    if retry_at is None or retry_at <= now:
        return None
    return must_wait(seconds_until(retry_at, now))


def book_failure(tx: Tx, name: str, now: datetime, policy: Policy | None = None) -> PosError:
    """Count one failure for the name and return the answer to give (with the wait it
    starts, if any); policy defaults to the store's (policy_for). Also drops a few counts
    nobody added to for FORGET_AFTER."""
    if not _table_ready(tx):
        return wrong_credentials()
    policy = policy or policy_for(tx)
    key = name_key(name)
    table = SignInFailure.__table__
    stale = now - FORGET_AFTER
    stmt = tx.upsert(SignInFailure).values(
        name_key=key, failures=1, last_failure_at=now, retry_at=None
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["name_key"],
        set_={
            "failures": case((table.c.last_failure_at < stale, 1), else_=table.c.failures + 1),
            "last_failure_at": now,
        },
    )
    failures = int(tx.session.execute(stmt.returning(table.c.failures)).scalar_one())
    delay = delay_seconds(failures, policy)
    retry_at = now + timedelta(seconds=delay) if delay else None
    tx.session.execute(
        update(SignInFailure).where(SignInFailure.name_key == key).values(retry_at=retry_at)
    )
    _prune(tx, stale, keep=key)
    return wrong_credentials(delay)


def forget(tx: Tx, name: str) -> None:
    """A right password (or a manager's new one): the name starts with a clean slate."""
    if not _table_ready(tx):
        return
    tx.session.execute(delete(SignInFailure).where(SignInFailure.name_key == name_key(name)))


def retry_times(tx: Tx, names: Iterable[str], now: datetime) -> dict[str, datetime]:
    """When each of these names may try again, for the names now waiting."""
    keys = {name_key(n): n for n in names}
    if not keys or not _table_ready(tx):
        return {}
    rows = tx.session.execute(
        select(SignInFailure.name_key, SignInFailure.retry_at).where(
            SignInFailure.name_key.in_(list(keys)), SignInFailure.retry_at > now
        )
    )
    return {keys[key]: retry_at for key, retry_at in rows if retry_at is not None}


def _table_ready(tx: Tx) -> bool:
    """False on a schema older than the table: a manager must still be able to sign in
    there to approve the upgrade (pos/ui/app.py), so sign-in then works without delays."""
    engine = tx.session.get_bind()
    if isinstance(engine, Engine) and engine in _ready:
        return True
    if not inspect(tx.session.connection()).has_table(SignInFailure.__tablename__):
        return False
    if isinstance(engine, Engine):
        _ready.add(engine)
    return True


def _prune(tx: Tx, stale: datetime, *, keep: str) -> None:
    # SKIP LOCKED: a row another sign-in holds is left for later, so two bookings never
    # wait on each other's rows (no deadlock); SQLite has one writer and ignores it.
    old = (
        select(SignInFailure.name_key)
        .where(SignInFailure.last_failure_at < stale, SignInFailure.name_key != keep)
        .limit(PRUNE_BATCH)
        .with_for_update(skip_locked=True)
    )
    tx.session.execute(delete(SignInFailure).where(SignInFailure.name_key.in_(old)))
