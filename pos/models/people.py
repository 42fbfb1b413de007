"""Users (clerks, managers), registered customers and counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from pos.models.base import Base, UtcDateTime, utcnow

ROLES = ("clerk", "manager")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('clerk', 'manager')", name="role_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # PostgreSQL: the user's own login role (pos.security.names.user_role_name); the
    # password then lives in PostgreSQL as a SCRAM verifier and password_hash stays empty.
    db_role: Mapped[str | None] = mapped_column(String(63), unique=True)
    # Users carried over from before per-user roles: a manager sets a new password first.
    # (No Python-side default: inserts leave it to the server, so code that adds users
    # keeps working on a database one migration behind, e.g. while it is being upgraded.)
    must_set_password: Mapped[bool] = mapped_column(Boolean, server_default=false())


class UserSession(Base):
    """One sign-in: what every unit of work of that Actor is checked against (SQLite), and
    the counter the user is bound to (PostgreSQL row-level security reads it)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), index=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Approval(Base):
    """A manager's approval given at a clerk's counter (store.auth.authorize): written
    under the manager's own credentials, used once, within minutes."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_for: Mapped[str] = mapped_column(String(64), default="")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="", index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Counter(Base):
    __tablename__ = "counters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SignInFailure(Base):
    """Failed sign-ins per typed name, known or not (so the delays reveal nothing about
    which names exist). name_key is a digest of the case-folded name: any text fits, and
    nobody reads names someone tried from this table. See pos/services/people/lockout.py."""

    __tablename__ = "sign_in_failures"

    name_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
