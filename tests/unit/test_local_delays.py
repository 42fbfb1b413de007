"""lockout.py's waits kept in memory (for PostgreSQL, where a wrong password never opens
a connection): the same policy and the same answers as the database booking."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from pos.errors import ErrorCode
from pos.services.people import lockout
from pos.services.people.local_delays import LocalDelays

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_same_waits_as_the_database_booking():
    delays = LocalDelays()
    now = NOW
    waits = []
    for _ in range(12):
        assert delays.waiting("alice", now) is None
        err = delays.book_failure("alice", now)
        assert err.code == ErrorCode.NOT_AUTHENTICATED
        wait = err.details.get("retry_after_seconds", 0)
        waits.append(wait)
        if wait:
            early = delays.waiting("ALICE ", now)  # the same name, typed differently
            assert early is not None and early.details == {"retry_after_seconds": wait}
            assert early.message == lockout.must_wait(wait).message
        now += timedelta(seconds=wait)
    assert waits == [lockout.delay_seconds(n, lockout.PASSWORDS) for n in range(1, 13)]


def test_unknown_and_known_names_are_not_told_apart():
    delays = LocalDelays()
    seen = [
        [delays.book_failure(name, NOW, lockout.PINS).details for _ in range(4)]
        for name in ("alice", "nobody")
    ]
    assert (
        seen[0]
        == seen[1]
        == [{}, {"retry_after_seconds": 2}, {"retry_after_seconds": 4}, {"retry_after_seconds": 8}]
    )


def test_forget_and_a_quiet_day_start_again():
    delays = LocalDelays()
    for _ in range(5):
        delays.book_failure("alice", NOW)
    delays.forget("alice")
    assert delays.waiting("alice", NOW) is None
    for _ in range(5):
        delays.book_failure("alice", NOW)
    later = NOW + lockout.FORGET_AFTER + timedelta(seconds=1)
    assert delays.book_failure("alice", later).details == {}


def test_memory_is_bounded():
    delays = LocalDelays(max_names=100)
    for i in range(1000):
        delays.book_failure(f"name-{i}", NOW)
    assert len(delays._counts) == 100
    for _ in range(3):
        delays.book_failure("name-999", NOW)  # the newest are kept
    assert delays.waiting("name-999", NOW) is not None


def test_parallel_failures_each_count():
    delays = LocalDelays()

    def fail() -> None:
        for _ in range(50):
            delays.book_failure("alice", NOW)

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert delays._counts[lockout.name_key("alice")].failures == 400
