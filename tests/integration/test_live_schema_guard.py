"""Schema guard for counters sharing one database: an older app refuses to run, a newer
app sees "outdated" (a manager may upgrade; nothing migrates silently)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pos import schema
from pos.errors import ErrorCode, PosError
from pos.services import open_store


def test_older_app_than_database_refuses(db_url):
    s = open_store(db_url)
    try:
        with s.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'fe11a4e9d00d'"))
        assert s.schema_state() == "too_new"
        with pytest.raises(PosError) as exc:
            s.require_current_schema()
        assert exc.value.code == ErrorCode.SCHEMA_MISMATCH
        assert exc.value.details == {"state": "too_new"}
        assert "newer" in exc.value.message
        with pytest.raises(PosError):
            s.migrate()  # never downgrades or touches a newer schema
        with s.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == (
                "fe11a4e9d00d"
            )
    finally:
        s.close()


def test_newer_app_sees_outdated_and_does_not_migrate_by_itself(db_url, monkeypatch):
    s = open_store(db_url)
    try:
        current = schema.current_revision(s.engine)
        known = schema.known_revisions() | {"9999_future"}
        monkeypatch.setattr(schema, "head_revision", lambda: "9999_future")
        monkeypatch.setattr(schema, "known_revisions", lambda: known)
        assert s.schema_state() == "outdated"
        with pytest.raises(PosError) as exc:
            s.require_current_schema()
        assert exc.value.code == ErrorCode.SCHEMA_MISMATCH
        assert exc.value.details == {"state": "outdated"}
        assert "manager" in exc.value.message
        # Opening and checking left the schema alone.
        assert schema.current_revision(s.engine) == current
    finally:
        s.close()


def test_current_schema_passes(store):
    assert store.schema_state() == "current"
    store.require_current_schema()
