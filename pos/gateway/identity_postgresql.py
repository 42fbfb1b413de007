"""PostgreSQL side of who is signed in: each pos user is a login role of their own.

A counter keeps no credential: the name and password typed at sign-in open that user's
own connection pool (their role, SCRAM-checked by the server), and every unit of work of
that Actor runs on it, so PostgreSQL's grants decide what the user may do. Passwords reach
the server only as SCRAM verifiers computed here (libpq's PQencryptPasswordConn), never in
clear, so no statement log can show them. Users, sessions and approvals change only
through the SECURITY DEFINER functions of pos/security/sql_functions.py.

SQLite keeps app-level Argon2id passwords and session rows (pos/services/people/auth.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from pos.db import READONLY
from pos.errors import ErrorCode, PosError
from pos.security.names import user_role_name
from pos.services.plumbing.live import share_backend_pids
from pos.services.plumbing.sessions import Login, SessionHandle, hash_token, new_token
from pos.services.plumbing.uow import Tx, UnitOfWork, translate_error
from pos.views import Actor

USER_POOL_SIZE = 3  # a counter's GUI thread, its workers and the live listener's reloads
# What the server answers when the name or password is wrong, the role may not log in or
# does not exist: all of them are "wrong user name or password" to the person signing in.
_REFUSED_LOGIN = (
    "password authentication failed",
    "not permitted to log in",
    'role "',  # role "x" does not exist (on trust or peer setups)
    "no pg_hba.conf entry",
    "permission denied for database",
)


def bad_credentials() -> PosError:
    return PosError(ErrorCode.NOT_AUTHENTICATED, "Wrong user name or password.")


def verifier(tx: Tx, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of a password, computed on this side of the wire."""
    raw: Any = tx.session.connection().connection.driver_connection
    return bytes(
        raw.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    ).decode()


class PostgresRoles:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._url: URL = uow.engine.url
        self.database = str(self._url.database or "")

    def db_role(self, username: str) -> str:
        return user_role_name(self.database, username)

    # -- connections as a user ---------------------------------------------------------
    def _user_engine(self, username: str, password: str, pool_size: int) -> Engine:
        url = self._url.set(username=self.db_role(username), password=password)
        engine = self._uow.make_engine(url.render_as_string(hide_password=False), pool_size)
        # This process's NOTIFYs come from the users' pools now: the live listener must
        # still recognise them as its own.
        share_backend_pids(self._uow.engine, engine)
        return engine

    def _first_call(self, engine: Engine, statement: Any, params: dict[str, Any]) -> Any:
        """The first statement on a user's new connection: a refused login is the same
        answer whatever the reason, anything else is the usual PosError."""
        try:
            with engine.begin() as conn:
                return conn.execute(statement, params).one()
        except DBAPIError as exc:
            engine.dispose()
            message = str(exc.orig).lower()
            if any(m in message for m in _REFUSED_LOGIN):
                raise bad_credentials() from None
            raise translate_error(exc) from exc
        except SQLAlchemyError as exc:
            engine.dispose()
            raise translate_error(exc) from exc

    # -- sign-in ---------------------------------------------------------------------------
    def login(
        self, username: str, password: str, counter: str | None, approval: str | None
    ) -> Actor:
        engine = self._user_engine(username, password, USER_POOL_SIZE)
        token = new_token()
        row = self._first_call(
            engine,
            text("SELECT * FROM pos_sign_in(:counter, :token_hash, :approval)"),
            {"counter": counter, "token_hash": hash_token(token), "approval": approval},
        )
        login = Login(engine, engine.execution_options(**{READONLY: True}))
        handle = self._uow.sessions.issue(SessionHandle(row.user_id, row.counter_id, login, token))
        return Actor(row.user_id, row.username, row.role, row.counter_id, counter, session=handle)

    def at_counter(self, actor: Actor, counter: str) -> Actor:
        handle = self._uow.sessions.verify(actor)
        token = new_token()

        def work(tx: Tx) -> Any:
            return tx.session.execute(
                text("SELECT * FROM pos_sign_in(:counter, :token_hash, NULL)"),
                {"counter": counter, "token_hash": hash_token(token)},
            ).one()

        row = self._uow.run(work, operation="auth.at_counter", actor=actor)
        moved = self._uow.sessions.issue(
            SessionHandle(row.user_id, row.counter_id, handle.login, token)
        )
        return Actor(row.user_id, row.username, row.role, row.counter_id, counter, session=moved)

    def logout(self, actor: Actor) -> None:
        handle = self._uow.sessions.verify(actor)
        try:
            self._uow.run(
                lambda tx: tx.session.execute(
                    text("SELECT pos_sign_out(:h)"), {"h": handle.token_hash}
                ),
                operation="auth.logout",
                actor=actor,
            )
        finally:
            self._uow.sessions.end(handle)

    def authorize(self, username: str, password: str) -> Actor:
        """A manager's approval at someone else's counter: checked by PostgreSQL (a short
        connection as the manager) and written under the manager's role."""
        engine = self._user_engine(username, password, 1)
        token = new_token()
        try:
            row = self._first_call(
                engine,
                text("SELECT pos_record_approval(:h) AS manager_id, pos_current_role() AS role"),
                {"h": hash_token(token)},
            )
        finally:
            engine.dispose()
        approval = SessionHandle(row.manager_id, None, Login(), token)
        return Actor(row.manager_id, username.strip(), "manager", session=approval)

    # -- users -----------------------------------------------------------------------------
    def create_user(self, tx: Tx, username: str, password: str, role: str) -> int:
        secret = verifier(tx, self.db_role(username), password)
        return int(
            tx.session.execute(
                text("SELECT pos_create_user(:u, :v, :r)"), {"u": username, "v": secret, "r": role}
            ).scalar_one()
        )

    def update_user(
        self,
        tx: Tx,
        user_id: int,
        username: str,
        *,
        role: str | None,
        active: bool | None,
        password: str | None,
    ) -> None:
        if role is not None:
            tx.session.execute(
                text("SELECT pos_set_user_role(:id, :r)"), {"id": user_id, "r": role}
            )
        if password is not None:
            secret = verifier(tx, self.db_role(username), password)
            tx.session.execute(
                text("SELECT pos_set_user_password(:id, :v)"), {"id": user_id, "v": secret}
            )
        if active is not None:  # last: deactivating ends the user's connections at once
            tx.session.execute(
                text("SELECT pos_set_user_active(:id, :a)"), {"id": user_id, "a": active}
            )


def postgres_roles(uow: UnitOfWork) -> PostgresRoles | None:
    return PostgresRoles(uow) if uow.backend == "postgresql" else None
