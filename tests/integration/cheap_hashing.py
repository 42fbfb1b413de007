"""Worker processes (counters in tests) hash with the cheapest Argon2id parameters, like the
test process does through its fixture: eight processes each spending 64 MiB and four
threads on one sign-in would starve the race they are there to run. Test code only;
production has no switch for this."""

from __future__ import annotations


def use_cheap_hashing() -> None:
    from argon2 import PasswordHasher, profiles

    from pos.services.people import passwords

    passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
