"""Sign-in, lock-out and user management. Roles are enforced here, not only in the UI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from pos.errors import ErrorCode, PosError
from pos.gateway import gateway
from pos.gateway.identity_postgresql import postgres_roles
from pos.models import ROLES, Approval, Cart, CartLine, Counter, User, UserSession, utcnow
from pos.services.people import lockout, secret_rules
from pos.services.people.local_delays import LocalDelays
from pos.services.people.passwords import (
    hash_password,
    needs_rehash,
    verify_dummy,
    verify_password,
)
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.sessions import Login, SessionHandle, hash_token, new_token
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.views import Actor, UserView

_LOGIN_COLUMNS = select(
    User.id,
    User.username,
    User.password_hash,
    User.role,
    User.active,
    User.failed_logins,
    User.locked_until,
)
APPROVAL_VALID = timedelta(minutes=5)  # pos_use_approval says the same on PostgreSQL
MIN_PASSWORD = secret_rules.MIN_PASSWORD  # the rules live in secret_rules.py


def _check_password(password: Any, role: str) -> tuple[str, bool]:
    """The password and whether it is a clerk PIN (then the caller's transaction must
    call secret_rules.require_pins_allowed)."""
    pin = secret_rules.check_shape(password, role)
    return str(password), pin


def _check_role(role: Any) -> str:
    if role not in ROLES:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            "Role must be clerk or manager.",
            {"field": "role", "allowed": list(ROLES)},
        )
    return str(role)


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
    def __init__(self, uow: UnitOfWork, clock: Callable[[], datetime] = utcnow) -> None:
        self._uow = uow
        self._roles = postgres_roles(uow)
        # When sign-in waits start and end (lockout.py); tests set a clock they move.
        self.clock = clock
        # PostgreSQL checks passwords itself and a refused one never opens a connection,
        # so the waits are counted here, per typed name (lockout.py's rule and answers).
        self._delays = LocalDelays()
        self._policy_seen: lockout.Policy | None = None

    def has_users(self) -> bool:
        return bool(
            self._uow.run(
                lambda tx: tx.session.execute(select(func.count(User.id))).scalar(),
                operation="auth.has_users",
                write=False,
            )
        )

    def db_role(self, username: str) -> str | None:
        """The PostgreSQL login role a user signs in as (None on SQLite, where users are
        rows of the file and the app checks their Argon2id passwords)."""
        name = validation.text(username, "user name", max_length=64)
        return self._roles.db_role(name) if self._roles is not None else None

    def bootstrap_manager(self, username: str, password: str) -> Actor:
        """The first account of a new store, signed in; refused once any user exists.
        On PostgreSQL this needs the schema owner's (or a superuser's) connection."""
        name = validation.text(username, "user name", max_length=64)
        secret, _ = _check_password(password, "manager")
        hashed = hash_password(secret) if self._roles is None else ""

        def work(tx: Tx) -> None:
            # Two first-run set-ups at once must not make two managers.
            gateway(tx).serialize_first_run(tx)
            if tx.session.execute(select(func.count(User.id))).scalar():
                raise PosError(
                    ErrorCode.ALREADY_INITIALIZED,
                    "This store already has users; ask a manager to add you.",
                )
            if self._roles is not None:
                self._roles.create_user(tx, name, secret, "manager")
            else:
                _insert_user(tx, name, hashed, "manager")

        self._uow.run(work, operation="auth.bootstrap_manager")
        return self.login(name, secret)

    def add_user(self, actor: Actor, username: str, password: str, role: str = "clerk") -> UserView:
        name = validation.text(username, "user name", max_length=64)
        role = _check_role(role)
        secret, pin = _check_password(password, role)
        hashed = hash_password(secret) if self._roles is None else ""

        def work(tx: Tx) -> UserView:
            require_active_manager(tx, actor)
            if pin:
                secret_rules.require_pins_allowed(tx)
            if self._roles is not None:
                uid = self._roles.create_user(tx, name, secret, role)
                return UserView(uid, name, role, True, None)
            try:
                with tx.session.begin_nested():
                    uid = _insert_user(tx, name, hashed, role)
            except IntegrityError:
                raise PosError(
                    ErrorCode.DUPLICATE,
                    f"The user name {name!r} is taken (in upper or lower case).",
                    {"field": "username"},
                ) from None
            return UserView(uid, name, role, True, None)

        return self._uow.run(work, operation="auth.add_user", actor=actor)

    def login(
        self,
        username: str,
        password: str,
        counter: str | None = None,
        approver: Actor | None = None,
    ) -> Actor:
        """Sign in (at a counter, if given). Taking over a counter where another user is
        still signed in with goods in its cart needs a manager's `approver`
        (store.auth.authorize)."""
        name = validation.text(username, "user name", max_length=64, required=False)
        secret = validation.secret("" if password is None else password)
        code = validation.counter_code(counter) if counter else None
        approval = _approval_token(approver)
        roles = self._roles
        if roles is not None:
            actor = self._checked_by_postgres(
                name, "auth.login", lambda: roles.login(name, secret, code, approval)
            )
            self._remember_policy(actor)  # for the waits of later refusals here
            return actor
        user_id = self._verify(name, secret, "auth.login")
        token = new_token()

        def bind(tx: Tx) -> tuple[str, str, int | None]:
            user = _active_user(tx, user_id)
            counter_id = _bind_counter(tx, user.id, code, token, approval)
            return user.username, user.role, counter_id

        uname, role, counter_id = self._uow.run(bind, operation="auth.login")
        handle = self._uow.sessions.issue(SessionHandle(user_id, counter_id, Login(), token))
        return Actor(user_id, uname, role, counter_id, code, session=handle)

    def _checked_by_postgres(
        self, name: str, operation: str, connect: Callable[[], Actor]
    ) -> Actor:
        """PostgreSQL checks the password (a connection as the user's role); the waits of
        lockout.py are applied here first and counted here (in this process) on a refusal,
        the same for every name."""
        wait = self._delays.waiting(name, self.clock())
        if wait is not None:
            self._uow.record_failure(operation, wait, None)
            raise wait
        try:
            actor = connect()
        except PosError as err:
            if err.code != ErrorCode.NOT_AUTHENTICATED:
                raise
            refusal = self._delays.book_failure(name, self.clock(), self._local_policy())
            self._uow.record_failure(operation, refusal, None)
            raise refusal from None
        self._delays.forget(name)
        return actor

    def _local_policy(self) -> lockout.Policy:
        # A refused sign-in has no connection to read the store's PIN setting with (a
        # counter holds no credential): the last one a signed-in user read, else the
        # stronger policy.
        return self._policy_seen or lockout.PINS

    def _remember_policy(self, actor: Actor) -> None:
        try:
            self._policy_seen = self._uow.run(
                lockout.policy_for, operation="auth.policy", actor=actor, write=False
            )
        except PosError:
            self._policy_seen = None

    def _verify(self, name: str, secret: str, operation: str) -> int:
        """Check a password (SQLite). The deliberately slow check (Argon2id) runs outside
        any transaction: holding the user's row lock (or SQLite's database-wide write lock)
        through it would queue every other counter behind one sign-in. The outcome is then
        booked under the row locks, so parallel wrong guesses each count, and a wait that
        starts meanwhile still refuses a right password. Unknown names, inactive users and
        wrong passwords take the same steps and get the same answers (lockout.py)."""

        def read(tx: Tx) -> tuple[int, str] | PosError | None:
            wait = lockout.waiting(tx, name, self.clock())
            if wait is not None:
                return wait
            # Named columns (here and below): this also runs on a database one migration
            # behind (a manager signing in to upgrade it), and pos roles may not read
            # password_hash on PostgreSQL (where this is not used). Unique whatever the
            # case (migration 0011): "Alice" signs in as "alice" too.
            user = tx.session.execute(
                _LOGIN_COLUMNS.where(func.lower(User.username) == func.lower(name))
            ).first()
            return None if user is None or not user.active else (user.id, user.password_hash)

        seen = self._uow.run(read, operation=operation, write=False)
        if isinstance(seen, PosError):  # refused before any password is checked
            self._uow.record_failure(operation, seen, None)
            raise seen
        if seen is None:
            verify_dummy(secret)  # unknown names take as long as known ones
            user_id, stored, correct = 0, "", False
        else:
            user_id, stored = seen
            correct = verify_password(secret, stored)
        upgraded = hash_password(secret) if correct and needs_rehash(stored) else None

        def book(tx: Tx) -> int | PosError:
            now = self.clock()
            user = tx.session.execute(
                _LOGIN_COLUMNS.where(User.id == user_id).with_for_update(key_share=True)
            ).first()
            wait = lockout.waiting(tx, name, now, lock=True)
            if wait is not None:
                return wait
            if user is None or not user.active or user.password_hash != stored or not correct:
                # Unknown, wrong, or removed / deactivated / given a new password while we
                # checked the old one. Returned, not raised, so the count is committed.
                return lockout.book_failure(tx, name, now)
            lockout.forget(tx, name)
            if upgraded is not None:  # scrypt or older parameters: upgrade now
                tx.session.execute(
                    update(User).where(User.id == user_id).values(password_hash=upgraded)
                )
            return int(user.id)

        result = self._uow.run(book, operation=operation)
        if isinstance(result, PosError):
            self._uow.record_failure(operation, result, None)
            raise result
        return result

    def verify_manager(self, username: str, password: str) -> Actor:
        """A manager's password checked without opening a session, for upgrading a
        database from before sessions existed (the counter's upgrade prompt). The Actor
        it returns says who it is but cannot be used for anything else."""
        name = validation.text(username, "user name", max_length=64, required=False)
        secret = validation.secret("" if password is None else password)
        user_id = self._verify(name, secret, "auth.verify_manager")
        row = self._uow.run(
            lambda tx: tx.session.execute(_LOGIN_COLUMNS.where(User.id == user_id)).one(),
            operation="auth.verify_manager",
            write=False,
        )
        return Actor(row.id, row.username, row.role)

    def authorize(self, username: str, password: str) -> Actor:
        """A manager's approval at a clerk's counter, without signing the clerk out: the
        returned Actor is good as `approver=` once, for five minutes. The password is
        checked by the database's side (PostgreSQL: a short connection as the manager;
        SQLite: Argon2id) and the approval is recorded as the manager's."""
        name = validation.text(username, "user name", max_length=64, required=False)
        secret = validation.secret("" if password is None else password)
        roles = self._roles
        if roles is not None:
            return self._checked_by_postgres(
                name, "auth.authorize", lambda: roles.authorize(name, secret)
            )
        user_id = self._verify(name, secret, "auth.authorize")
        token = new_token()

        def record(tx: Tx) -> str:
            user = _active_user(tx, user_id)
            if user.role != "manager":
                raise PosError(ErrorCode.FORBIDDEN, "Only a manager can approve this.")
            tx.session.execute(
                insert(Approval).values(
                    token_hash=hash_token(token), manager_id=user.id, created_at=utcnow()
                )
            )
            return str(user.username)

        uname = self._uow.run(record, operation="auth.authorize")
        approval = SessionHandle(user_id, None, Login(), token)
        return Actor(user_id, uname, "manager", session=approval)

    def at_counter(self, actor: Actor, counter: str) -> Actor:
        """The same user, now selling at another counter."""
        validation.require_actor(actor)
        code = validation.counter_code(counter)
        if self._roles is not None:
            return self._roles.at_counter(actor, code)
        handle = self._uow.sessions.verify(actor)
        token = new_token()
        cid = self._uow.run(
            lambda tx: _bind_counter(tx, actor.user_id, code, token, None),
            operation="auth.at_counter",
            actor=actor,
        )
        moved = self._uow.sessions.issue(SessionHandle(actor.user_id, cid, handle.login, token))
        return Actor(actor.user_id, actor.username, actor.role, cid, code, session=moved)

    def logout(self, actor: Actor) -> None:
        """End the session: this Actor is refused from now on (the cart stays)."""
        validation.require_actor(actor)
        if self._roles is not None:
            self._roles.logout(actor)
            return
        handle = self._uow.sessions.verify(actor)
        try:
            self._uow.run(
                lambda tx: _end_sessions(tx, UserSession.token_hash == handle.token_hash),
                operation="auth.logout",
                actor=actor,
            )
        finally:
            self._uow.sessions.end(handle)

    def _write_user(
        self, tx: Tx, row: Any, *, role: str | None, active: bool | None, password: str | None
    ) -> None:
        """Role, active flag and password of a user row: through the PostgreSQL user
        functions (the role and its SCRAM verifier) or the SQLite row (Argon2id)."""
        if self._roles is not None:
            self._roles.update_user(
                tx, row.id, row.username, role=role, active=active, password=password
            )
        else:
            _update_user_row(tx, row.id, role=role, active=active, password=password)

    def reset_password(self, username: str, password: str) -> None:
        """A new password through the store's own connection, no manager signed in: on
        PostgreSQL that connection must be the schema owner's (`pos set-password`), which
        is how the first manager of a database carried over from before per-user roles
        gets in; on SQLite whoever holds the file."""
        name = validation.text(username, "user name", max_length=64)

        def work(tx: Tx) -> None:
            row = tx.session.execute(
                select(User.id, User.username, User.role).where(
                    func.lower(User.username) == func.lower(name)
                )
            ).first()
            if row is None:
                raise PosError(ErrorCode.NOT_FOUND, "User not found.", {"username": name})
            secret, pin = _check_password(password, row.role)
            if pin:
                secret_rules.require_pins_allowed(tx)
            self._write_user(tx, row, role=None, active=None, password=secret)
            self._forget_waits(tx, row.username)

        self._uow.run(work, operation="auth.reset_password")

    def _waits(self, tx: Tx, names: list[str]) -> dict[str, datetime]:
        """Until when each name waits after failed sign-ins: the booked waits (SQLite), or
        this process's own (PostgreSQL, where they are counted per counter)."""
        now = self.clock()
        if self._roles is None:
            return lockout.retry_times(tx, names, now)
        return self._delays.retry_times(names, now)

    def _forget_waits(self, tx: Tx, name: str) -> None:
        if self._roles is None:
            lockout.forget(tx, name)
        else:
            self._delays.forget(name)

    # -- user management (managers) ------------------------------------------------
    def users(self, actor: Actor) -> list[UserView]:
        def work(tx: Tx) -> list[UserView]:
            require_active_manager(tx, actor)
            # Named columns: pos roles may not read the password column (issue 21).
            rows = tx.session.execute(
                select(
                    User.id,
                    User.username,
                    User.role,
                    User.active,
                    User.must_set_password,
                ).order_by(User.username)
            ).all()
            waits = self._waits(tx, [r.username for r in rows])
            return [
                UserView(
                    r.id,
                    r.username,
                    r.role,
                    r.active,
                    waits.get(r.username),
                    bool(r.must_set_password),
                )
                for r in rows
            ]

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
        role = _check_role(role) if role is not None else None
        active = bool(active) if active is not None else None

        def work(tx: Tx) -> UserView:
            require_active_manager(tx, actor)
            row = tx.session.execute(
                select(User.id, User.username, User.role).where(User.id == user_id)
            ).first()
            if row is None:
                raise PosError(ErrorCode.NOT_FOUND, "User not found.", {"user_id": user_id})
            if row.id == actor.user_id and (active is False or role == "clerk"):
                raise PosError(
                    ErrorCode.VALIDATION_ERROR, "You cannot deactivate or demote yourself."
                )
            secret, pin = (
                _check_password(password, role or row.role)
                if password is not None
                else (None, False)
            )
            if pin:
                secret_rules.require_pins_allowed(tx)
            self._write_user(tx, row, role=role, active=active, password=secret)
            if secret is not None:
                self._forget_waits(tx, row.username)  # a new password: no wait left
            user = tx.session.execute(
                select(User.id, User.username, User.role, User.active).where(User.id == user_id)
            ).one()
            waits = self._waits(tx, [user.username])
            return UserView(
                user.id, user.username, user.role, user.active, waits.get(user.username)
            )

        return self._uow.run(work, operation="auth.update_user", actor=actor)


def _bad_credentials() -> PosError:
    return PosError(ErrorCode.NOT_AUTHENTICATED, "Wrong user name or password.")


def _insert_user(tx: Tx, name: str, hashed: str, role: str) -> int:
    return int(
        tx.session.execute(
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
    )


def _update_user_row(
    tx: Tx, user_id: int, *, role: str | None, active: bool | None, password: str | None
) -> None:
    values: dict[str, Any] = {}
    if role is not None:
        values["role"] = role
    if active is not None:
        values["active"] = active
    if password is not None:
        values.update(password_hash=hash_password(password), failed_logins=0, locked_until=None)
    if values:
        tx.session.execute(update(User).where(User.id == user_id).values(**values))
    if active is False:
        _end_sessions(tx, UserSession.user_id == user_id)


def _active_user(tx: Tx, user_id: int) -> User:
    user = tx.session.get(User, user_id)
    if user is None or not user.active:
        raise _bad_credentials()
    return user


def _end_sessions(tx: Tx, which: Any) -> None:
    tx.session.execute(
        update(UserSession).where(which, UserSession.ended_at.is_(None)).values(ended_at=utcnow())
    )


def _approval_token(approver: Actor | None) -> str | None:
    if approver is None:
        return None
    handle = getattr(approver, "session", None)
    if not isinstance(handle, SessionHandle):
        raise PosError(ErrorCode.APPROVAL_REQUIRED, "A manager must approve this first.")
    return handle.token_hash


def use_approval(tx: Tx, token_hash: str, purpose: str) -> int:
    """Spend a manager's approval (SQLite): once, within APPROVAL_VALID, by a manager who
    is still active. The manager's user id."""
    now = utcnow()
    manager = exists().where(User.id == Approval.manager_id, User.active, User.role == "manager")
    used = tx.session.execute(
        update(Approval)
        .where(
            Approval.token_hash == token_hash,
            Approval.used_at.is_(None),
            Approval.created_at > now - APPROVAL_VALID,
            manager,
        )
        .values(used_at=now, used_for=purpose[:64])
        .returning(Approval.manager_id)
    ).first()
    if used is None:
        raise PosError(
            ErrorCode.APPROVAL_REQUIRED,
            "The manager's approval is missing, used or expired; ask again.",
        )
    return int(used.manager_id)


def _bind_counter(
    tx: Tx, user_id: int, code: str | None, token: str, approval: str | None
) -> int | None:
    """The session row of a sign-in (SQLite; pos_sign_in does the same on PostgreSQL).
    A clerk signing in where another user is still signed in with goods in the counter's
    cart is taking that sale over: that needs a manager's approval, and the other user's
    sessions at the counter end. Managers may open any counter's cart."""
    counter_id = counter_id_for(tx, code) if code else None
    approved_by = None
    role = tx.session.execute(select(User.role).where(User.id == user_id)).scalar_one()
    if counter_id is not None and role != "manager":
        held = tx.session.execute(
            select(UserSession.id).where(
                UserSession.counter_id == counter_id,
                UserSession.ended_at.is_(None),
                UserSession.user_id != user_id,
            )
        ).first()
        goods = tx.session.execute(
            select(CartLine.id)
            .join(Cart, Cart.id == CartLine.cart_id)
            .where(Cart.counter_id == counter_id, Cart.status == "open")
            .limit(1)
        ).first()
        if held is not None and goods is not None:
            if approval is None:
                raise PosError(
                    ErrorCode.APPROVAL_REQUIRED,
                    "Another user is signed in at this counter with a sale in progress; "
                    "a manager must approve taking it over.",
                )
            approved_by = use_approval(tx, approval, "counter takeover")
            _end_sessions(tx, UserSession.counter_id == counter_id)
    tx.session.execute(
        insert(UserSession).values(
            token_hash=hash_token(token),
            user_id=user_id,
            counter_id=counter_id,
            approved_by=approved_by,
            created_at=utcnow(),
        )
    )
    return counter_id
