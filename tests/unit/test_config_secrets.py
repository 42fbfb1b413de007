"""No secret on disk outside a libpq password file: settings refuse a URL with a password,
pos's password file and the embedded database are private to the account (0600 / 0700)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from pos import config, private_files
from pos.errors import ConfigError, ErrorCode
from pos.services import open_store


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://shop:secret@db/pos",
        "postgresql+psycopg://shop:secret@db:5433/pos?sslmode=require",
        "postgresql://shop@db/pos?password=secret",
        "postgres://shop:secret@not a url",
    ],
)
@pytest.mark.parametrize("save", [config.save_user_settings, config.save_system_settings])
def test_settings_refuse_a_url_with_a_password(save, url):
    with pytest.raises(ConfigError) as caught:
        save(database_url=url, counter_code="C1")
    assert caught.value.code == ErrorCode.CONFIG_ERROR
    assert "secret" not in caught.value.message
    assert "--password-stdin" in caught.value.message and ".pgpass" in caught.value.message
    assert not config.settings_path().exists()
    assert not config.system_settings_path().exists()


def test_a_url_without_a_password_is_kept_as_given():
    path = config.save_user_settings(database_url="postgresql://shop@db/pos", counter_code="C2")
    assert json.loads(path.read_text()) == {
        "database_url": "postgresql://shop@db/pos",
        "counter_code": "C2",
    }


def test_the_system_file_is_readable_by_every_account_and_holds_nothing_secret():
    path = config.save_system_settings(database_url="postgresql://db/pos", counter_code="S")
    assert _mode(path) == 0o644
    assert not config.url_has_password(json.loads(path.read_text())["database_url"])


def test_save_password_writes_a_private_libpq_passfile():
    path = config.save_password("postgresql://owner@db.example:5433/pos", "pa:ss\\word")
    assert path == config.passfile_path()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    # the ~/.pgpass format: host:port:database:user:password, ':' and '\' escaped
    assert path.read_text() == "db.example:5433:pos:owner:pa\\:ss\\\\word\n"
    config.save_password("postgresql://other@db.example/pos", "x")
    config.save_password("postgresql://owner@db.example:5433/pos", "new-one")
    assert path.read_text().splitlines() == [
        "db.example:5432:pos:other:x",
        "db.example:5433:pos:owner:new-one",
    ]
    assert _mode(path) == 0o600


def test_save_password_needs_a_user_and_one_line():
    with pytest.raises(ConfigError):
        config.save_password("postgresql://db/pos", "secret")
    with pytest.raises(ConfigError):
        config.save_password("postgresql://u@db/pos", "two\nlines")
    assert not config.passfile_path().exists()


def test_libpq_is_pointed_at_pos_passfile_unless_pgpassfile_names_one(monkeypatch):
    assert config.libpq_passfile() is None  # nothing saved yet
    config.save_password("postgresql://owner@db/pos", "secret")
    assert config.libpq_passfile() == str(config.passfile_path())
    monkeypatch.setenv("PGPASSFILE", "/somewhere/else")
    assert config.libpq_passfile() is None


def test_a_new_embedded_database_is_private(tmp_path):
    folder = tmp_path / "data" / "pos"
    url = f"sqlite:///{folder / 'pos.sqlite3'}"
    with open_store(url) as store:
        store.migrate()
    assert _mode(folder) == 0o700
    for name in ("pos.sqlite3", "pos.sqlite3-wal", "pos.sqlite3-shm"):
        if (folder / name).exists():
            assert _mode(folder / name) == 0o600, name


def test_an_old_readable_database_in_pos_data_folder_is_tightened():
    folder = config.data_dir()
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)
    db = folder / "pos.sqlite3"
    db.write_bytes(b"")
    os.chmod(db, 0o644)
    private_files.prepare_sqlite_file(db, own_folder=config.data_dir())
    assert (_mode(folder), _mode(db)) == (0o700, 0o600)


def test_a_database_the_user_placed_elsewhere_keeps_its_mode(tmp_path):
    db = tmp_path / "shared.sqlite3"
    db.write_bytes(b"")
    os.chmod(db, 0o640)
    private_files.prepare_sqlite_file(db, own_folder=config.data_dir())
    assert _mode(db) == 0o640


def test_the_live_listener_reads_the_same_passfile():
    from sqlalchemy.engine import make_url

    from pos.services.plumbing.live import conninfo_from_url

    url = make_url("postgresql+psycopg://owner@db/pos")
    assert "passfile" not in conninfo_from_url(url)
    config.save_password("postgresql://owner@db/pos", "secret")
    info = conninfo_from_url(url)
    assert f"passfile={config.passfile_path()}" in info and "secret" not in info


def test_without_password_strips_it_for_showing_and_saving():
    assert config.without_password("postgresql://shop@db/pos") == "postgresql://shop@db/pos"
    assert config.without_password("postgresql://shop:pw@db/pos") == "postgresql://shop@db/pos"
    assert "pw" not in config.without_password("postgresql://shop@db/pos?password=pw&x=1")


def test_a_server_that_wants_a_password_says_where_to_put_it():
    from pos.connection_check import describe_failure

    message = describe_failure(Exception("connection failed: fe_sendauth: no password supplied"))
    assert "wants a password" in message and "--password-stdin" in message
    refused = describe_failure(Exception('password authentication failed for user "owner"'))
    assert refused == "The server refused the user name or password."
