"""The sign-in waits of lockout.py kept in this process, for where no database row can be
booked: on PostgreSQL a wrong password never opens a connection (PostgreSQL checks it), so
the counter counts failures per typed name itself, with the same policy and the same
answers, before it tries to connect (the server adds its own auth_delay).

Bounded: at most MAX_NAMES names are remembered (the oldest failure is forgotten first), so
a script typing random names cannot grow the process without end.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from pos.errors import PosError
from pos.services.people.lockout import (
    FORGET_AFTER,
    PASSWORDS,
    Policy,
    delay_seconds,
    must_wait,
    name_key,
    seconds_until,
    wrong_credentials,
)

MAX_NAMES = 10_000


@dataclass
class _Count:
    failures: int
    last_failure_at: datetime
    retry_at: datetime | None


class LocalDelays:
    """waiting / book_failure / forget, as lockout.py's booking, in memory."""

    def __init__(self, max_names: int = MAX_NAMES) -> None:
        self._counts: OrderedDict[str, _Count] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_names

    def waiting(self, name: str, now: datetime) -> PosError | None:
        with self._lock:
            count = self._counts.get(name_key(name))
        if count is None or count.retry_at is None or count.retry_at <= now:
            return None
        return must_wait(seconds_until(count.retry_at, now))

    def book_failure(self, name: str, now: datetime, policy: Policy = PASSWORDS) -> PosError:
        key = name_key(name)
        with self._lock:
            count = self._counts.pop(key, None)
            if count is None or count.last_failure_at < now - FORGET_AFTER:
                count = _Count(0, now, None)
            count.failures += 1
            count.last_failure_at = now
            delay = delay_seconds(count.failures, policy)
            count.retry_at = now + timedelta(seconds=delay) if delay else None
            self._counts[key] = count  # newest last
            while len(self._counts) > self._max:
                self._counts.popitem(last=False)
        return wrong_credentials(delay)

    def retry_times(self, names: list[str], now: datetime) -> dict[str, datetime]:
        """Until when each of these names waits (the names now waiting)."""
        with self._lock:
            found = {n: self._counts.get(name_key(n)) for n in names}
        return {n: c.retry_at for n, c in found.items() if c and c.retry_at and c.retry_at > now}

    def forget(self, name: str) -> None:
        with self._lock:
            self._counts.pop(name_key(name), None)
