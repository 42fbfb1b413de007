"""No SystemExit below the CLI: an unreadable settings file is a ConfigError (a PosError),
which the CLI turns into its message and exit code 2."""

from __future__ import annotations

import pytest

from pos import cli, config
from pos.errors import ConfigError, ErrorCode, PosError


def test_broken_settings_file_is_a_pos_error_not_an_exit():
    path = config.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load_settings()
    assert isinstance(caught.value, PosError)
    assert caught.value.code == ErrorCode.CONFIG_ERROR
    assert str(path) in caught.value.message


def test_cli_turns_it_into_a_message_and_exit_code(capsys):
    path = config.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ not json", encoding="utf-8")
    assert cli.main(["check"]) == 2
    err = capsys.readouterr().err
    assert "Cannot read the settings file" in err and "CONFIG_ERROR" in err
