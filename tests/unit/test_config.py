import json

from pos import config


def test_default_is_embedded_sqlite_in_data_folder():
    settings = config.load_settings()
    assert settings.database_url.startswith("sqlite:///")
    assert str(config.data_dir()) in settings.database_url
    assert settings.source == "default"
    assert settings.counter_code


def test_precedence_flag_env_file(monkeypatch):
    config.save_user_settings(database_url="sqlite:////from/file.db", counter_code="FILE")
    assert config.load_settings().database_url == "sqlite:////from/file.db"
    assert config.load_settings().counter_code == "FILE"
    monkeypatch.setenv("POS_DATABASE_URL", "sqlite:////from/env.db")
    assert config.load_settings().database_url == "sqlite:////from/env.db"
    flagged = config.load_settings("sqlite:////from/flag.db", "FLAG")
    assert (flagged.database_url, flagged.counter_code) == ("sqlite:////from/flag.db", "FLAG")


def test_settings_file_is_json_in_config_folder():
    path = config.save_user_settings(counter_code="C7")
    assert path.parent == config.config_dir()
    assert json.loads(path.read_text())["counter_code"] == "C7"


def test_user_settings_file_is_private():
    path = config.save_user_settings(database_url="postgresql://shop@db/pos")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700  # pos made the folder


def test_tests_never_read_or_write_the_real_system_settings(tmp_path):
    path = config.system_settings_path()
    assert path != config.SYSTEM_SETTINGS  # redirected by tests/conftest.py for every test
    assert not str(path).startswith("/etc")
    written = config.save_system_settings(database_url="sqlite:////store/wide.db", counter_code="S")
    assert written == path and written.stat().st_mode & 0o777 == 0o644
    settings = config.load_settings()
    assert (settings.database_url, settings.counter_code) == ("sqlite:////store/wide.db", "S")
    assert settings.source == str(path)
    # the user's own file still wins over the store-wide one
    config.save_user_settings(database_url="sqlite:////mine.db")
    assert config.load_settings().database_url == "sqlite:////mine.db"
