"""The sign-in delay policy as pure functions (pos/services/people/lockout.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pos.errors import ErrorCode
from pos.services.people import lockout
from pos.services.people.lockout import PASSWORDS, PINS, delay_seconds


def test_passwords_wait_after_three_failures_doubling_to_five_minutes():
    waits = [delay_seconds(n, PASSWORDS) for n in range(1, 14)]
    assert waits == [0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert delay_seconds(10**9, PASSWORDS) == 300  # no overflow, still the cap


def test_pins_wait_sooner_and_longer():
    waits = [delay_seconds(n, PINS) for n in range(1, 14)]
    assert waits == [0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    assert all(delay_seconds(n, PINS) >= delay_seconds(n, PASSWORDS) for n in range(0, 40))


def test_name_key_ignores_case_and_blanks_and_takes_any_text():
    assert lockout.name_key(" Alice ") == lockout.name_key("alice")
    assert lockout.name_key("alice") != lockout.name_key("alicia")
    for odd in ("\x00", "x" * 10_000, "\ud800", ""):
        assert len(lockout.name_key(odd)) == 64


def test_answers_carry_the_wait_only_when_there_is_one():
    plain = lockout.wrong_credentials()
    assert (plain.code, plain.message, plain.details) == (
        ErrorCode.NOT_AUTHENTICATED,
        "Wrong user name or password.",
        {},
    )
    waiting = lockout.wrong_credentials(4)
    assert waiting.code == ErrorCode.NOT_AUTHENTICATED
    assert waiting.details == {"retry_after_seconds": 4}
    assert "Wait 4 seconds" in waiting.message
    early = lockout.must_wait(300)
    assert early.code == ErrorCode.NOT_AUTHENTICATED
    assert early.details == {"retry_after_seconds": 300}
    assert "try again in 5 minutes" in early.message
    assert "1 second." in lockout.must_wait(1).message


def test_seconds_until_rounds_up_and_is_never_zero():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert lockout.seconds_until(now + timedelta(milliseconds=1), now) == 1
    assert lockout.seconds_until(now + timedelta(seconds=2.5), now) == 3
