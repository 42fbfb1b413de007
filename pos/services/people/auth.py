"""Sign-in, lock-out and user management. Roles are enforced here, not only in the UI."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from pos.errors import ErrorCode, PosError
from pos.gateway import gateway
from pos.models import ROLES, Counter, User, utcnow
from pos.services.people.passwords import (
    hash_password,
    needs_rehash,
    verify_dummy,
    verify_password,
)
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.views import Actor, UserView

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD = {"manager": 8, "clerk": 4}  # clerks may use a PIN


def _check_password(password: Any, role: str) -> str:
    password = validation.secret(password)
    if len(password) < MIN_PASSWORD[role]:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"A {role} password needs at least {MIN_PASSWORD[role]} characters.",
            {"field": "password"},
        )
    return password


def _check_role(role: Any) -> str:
    if role not in ROLES:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            "Role must be clerk or manager.",
            {"field": "role", "allowed": list(ROLES)},
        )
    return str(role)


def _locked_out(user: User) -> PosError | None:
    now = utcnow()
    if user.locked_until is None or user.locked_until <= now:
        return None
    minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
    return PosError(
        ErrorCode.ACCOUNT_LOCKED,
        f"Too many failed sign-ins; try again in {minutes} minute{'' if minutes == 1 else 's'}.",
        {"locked_until": user.locked_until.isoformat()},
    )


def require_active_manager(tx: Tx, actor: Actor) -> None:
    """Check the role again in the database: a demoted manager loses rights at once."""
    validation.require_manager(actor)
    row = tx.session.execute(select(User.active, User.role).where(User.id == actor.user_id)).first()
    if row is None or not row.active or row.role != "manager":
        raise PosError(ErrorCode.FORBIDDEN, "Only an active manager can do that.")


def counter_id_for(tx: Tx, code: str) -> int:
    code = validation.counter_code(code)
    now = utcnow()
    # One statement, so two machines signing in with a new code at once both succeed.
    stmt = tx.upsert(Counter).values(code=code, created_at=now, last_seen_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["code"], set_={"last_seen_at": stmt.excluded.last_seen_at}
    )
    return int(tx.session.execute(stmt.returning(Counter.id)).scalar_one())


@records_failures("auth")
class AuthService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def has_users(self) -> bool:
        return bool(
            self._uow.run(
                lambda tx: tx.session.execute(select(func.count(User.id))).scalar(),
                operation="auth.has_users",
                write=False,
            )
        )

    def bootstrap_manager(self, username: str, password: str) -> Actor:
        """The first account of a new store; refused once any user exists."""
        name = validation.text(username, "user name", max_length=64)
        secret = _check_password(password, "manager")
        hashed = hash_password(secret)

        def work(tx: Tx) -> Actor:
            # Two first-run set-ups at once must not make two managers.
            gateway(tx).serialize_first_run(tx)
            if tx.session.execute(select(func.count(User.id))).scalar():
                raise PosError(
                    ErrorCode.ALREADY_INITIALIZED,
                    "This store already has users; ask a manager to add you.",
                )
            uid = tx.session.execute(
                insert(User)
                .values(
                    username=name,
                    password_hash=hashed,
                    role="manager",
                    active=True,
                    failed_logins=0,
                    created_at=utcnow(),
                )
                .returning(User.id)
            ).scalar_one()
            return Actor(uid, name, "manager")

        return self._uow.run(work, operation="auth.bootstrap_manager")

    def add_user(self, actor: Actor, username: str, password: str, role: str = "clerk") -> UserView:
        name = validation.text(username, "user name", max_length=64)
        role = _check_role(role)
        hashed = hash_password(_check_password(password, role))

        def work(tx: Tx) -> UserView:
            require_active_manager(tx, actor)
            try:
                with tx.session.begin_nested():
                    uid = tx.session.execute(
                        insert(User)
                        .values(
                            username=name,
                            password_hash=hashed,
                            role=role,
                            active=True,
                            failed_logins=0,
                            created_at=utcnow(),
                        )
                        .returning(User.id)
                    ).scalar_one()
            except IntegrityError:
                raise PosError(
                    ErrorCode.DUPLICATE,
                    f"The user name {name!r} is taken.",
                    {"field": "username"},
                ) from None
            return UserView(uid, name, role, True, None)

        return self._uow.run(work, operation="auth.add_user", actor=actor)

    def login(self, username: str, password: str, counter: str | None = None) -> Actor:
        """Sign in. The deliberately slow password check (Argon2id) runs outside any
        transaction: holding the user's row lock (or SQLite's database-wide write lock)
        through it would queue every other counter behind one sign-in. The outcome is then
        booked under the row lock, so parallel wrong guesses each count towards the
        lock-out, and a lock-out that lands meanwhile still refuses a right password."""
        name = validation.text(username, "user name", max_length=64, required=False)
        secret = validation.secret("" if password is None else password)
        counter = validation.counter_code(counter) if counter else None

        def read(tx: Tx) -> tuple[int, str] | PosError:
            user = tx.session.execute(select(User).where(User.username == name)).scalar()
            if user is None or not user.active:
                return _bad_credentials()
            locked = _locked_out(user)
            return locked if locked is not None else (user.id, user.password_hash)

        seen = self._uow.run(read, operation="auth.login", write=False)
        if isinstance(seen, PosError):
            if seen.code != ErrorCode.ACCOUNT_LOCKED:
                verify_dummy(secret)  # unknown names take as long as known ones
            self._uow.record_failure("auth.login", seen, None)
            raise seen
        user_id, stored = seen
        correct = verify_password(secret, stored)
        upgraded = hash_password(secret) if correct and needs_rehash(stored) else None

        def book(tx: Tx) -> Actor | PosError:
            user = tx.session.execute(
                select(User).where(User.id == user_id).with_for_update(key_share=True)
            ).scalar()
            if user is None or not user.active or user.password_hash != stored:
                # Removed, deactivated or given a new password while we checked the old one.
                return _bad_credentials()
            locked = _locked_out(user)
            if locked is not None:
                return locked
            if not correct:
                # Commit the failure count (returned, not raised) so the lock-out sticks.
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.failed_logins = 0
                    user.locked_until = utcnow() + LOCKOUT
                tx.session.flush()
                return _bad_credentials()
            user.failed_logins = 0
            user.locked_until = None
            if upgraded is not None:  # scrypt or older parameters: upgrade now
                user.password_hash = upgraded
            tx.session.flush()
            counter_id = counter_id_for(tx, counter) if counter else None
            return Actor(
                user.id, user.username, user.role, counter_id, counter if counter else None
            )

        result = self._uow.run(book, operation="auth.login")
        if isinstance(result, PosError):
            self._uow.record_failure("auth.login", result, None)
            raise result
        return result

    def at_counter(self, actor: Actor, counter: str) -> Actor:
        """The same user, now selling at another counter."""
        validation.require_actor(actor)
        counter = validation.counter_code(counter)
        cid = self._uow.run(lambda tx: counter_id_for(tx, counter), operation="auth.at_counter")
        return Actor(actor.user_id, actor.username, actor.role, cid, counter)

    # -- user management (managers) ------------------------------------------------
    def users(self, actor: Actor) -> list[UserView]:
        def work(tx: Tx) -> list[UserView]:
            require_active_manager(tx, actor)
            rows = tx.session.execute(select(User).order_by(User.username)).scalars()
            return [UserView(u.id, u.username, u.role, u.active, u.locked_until) for u in rows]

        return self._uow.run(work, operation="auth.users", actor=actor, write=False)

    def update_user(
        self,
        actor: Actor,
        user_id: int,
        *,
        role: str | None = None,
        active: bool | None = None,
        password: str | None = None,
    ) -> UserView:
        user_id = bounds.record_id(user_id, "user_id", label="User number")
        values: dict[str, Any] = {}
        if role is not None:
            values["role"] = _check_role(role)
        if active is not None:
            values["active"] = bool(active)

        def work(tx: Tx) -> UserView:
            require_active_manager(tx, actor)
            user = tx.session.get(User, user_id)
            if user is None:
                raise PosError(ErrorCode.NOT_FOUND, "User not found.", {"user_id": user_id})
            if user.id == actor.user_id and (
                values.get("active") is False or values.get("role") == "clerk"
            ):
                raise PosError(
                    ErrorCode.VALIDATION_ERROR, "You cannot deactivate or demote yourself."
                )
            for key, value in values.items():
                setattr(user, key, value)
            if password is not None:
                user.password_hash = hash_password(_check_password(password, user.role))
                user.failed_logins = 0
                user.locked_until = None
            tx.session.flush()
            return UserView(user.id, user.username, user.role, user.active, user.locked_until)

        return self._uow.run(work, operation="auth.update_user", actor=actor)


def _bad_credentials() -> PosError:
    return PosError(ErrorCode.NOT_AUTHENTICATED, "Wrong user name or password.")
