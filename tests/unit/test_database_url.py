"""Malformed database URLs: a one-line ConfigError from pos.db_url, and every CLI command
prints one line and exits 2 without a traceback (issue 21 item 7)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pos.cli import main
from pos.connection_check import check_connection
from pos.db_url import parse_database_url
from pos.errors import ConfigError, ErrorCode

BAD_URLS = {
    "not a URL": "nonsense",
    "no scheme": "://",
    "port not a number": "postgresql://u:secret-pw@host:notaport/db",
    "port out of range": "postgresql://u@host:99999/db",
    "unknown backend": "mysql://u@host/db",
    "unknown driver": "postgresql+nodriver://host/db",
    "empty": "   ",
    "control character": "postgresql://host/db\x00",
    "broken IPv6 host": "postgresql://u:secret-pw@[::1/db",
}


@pytest.mark.parametrize("url", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_a_malformed_url_is_a_one_line_config_error(url):
    with pytest.raises(ConfigError) as err:
        parse_database_url(url)
    assert err.value.code == ErrorCode.CONFIG_ERROR
    assert err.value.message.startswith("The database URL is not valid: ")
    assert "\n" not in err.value.message
    assert "secret-pw" not in err.value.message  # never echoes what may hold a password


def test_good_urls_parse_and_postgres_gets_the_psycopg_driver():
    assert parse_database_url("postgres://h/db").drivername == "postgresql+psycopg"
    assert parse_database_url("postgresql://h:5432/db").port == 5432
    assert parse_database_url("sqlite:///tmp/x.sqlite3").get_backend_name() == "sqlite"


def test_the_connection_check_reports_a_bad_url_instead_of_raising():
    result = check_connection("postgresql://u@host:notaport/db")
    assert not result.ok
    assert "port is not a number" in result.message


COMMANDS = [
    ["check"],
    ["check", "--json"],
    ["migrate"],
    ["seed-demo"],
    ["add-user", "bob", "--password-stdin"],
    ["set-password", "bob", "--password-stdin"],
    ["admin"],
    ["gui"],
    ["configure", "--no-test"],
    ["configure"],
]


def test_every_sub_command_is_tried():
    import argparse

    from pos.cli import _parser

    (commands,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) == {c[0] for c in COMMANDS}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("url", ["nonsense", "postgresql://u:pw@h:port/db"])
def test_every_command_refuses_a_bad_url_in_one_line(command, url, capsys):
    assert main([*command, "--database", url]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("pos: The database URL is not valid: ")
    assert err.endswith("[CONFIG_ERROR]")
    assert len(err.splitlines()) == 1


def test_a_bad_url_saves_nothing_even_without_the_connection_test(tmp_path, capsys):
    from pos import config

    assert main(["configure", "--no-test", "--database", "nonsense"]) == 2
    assert not config.settings_path().exists()


def test_a_bad_url_from_the_environment_is_also_one_line(monkeypatch, capsys):
    monkeypatch.setenv("POS_DATABASE_URL", "postgresql://u:pw@h:port/db")
    assert main(["check"]) == 2
    assert "port is not a number" in capsys.readouterr().err


def test_a_real_process_prints_no_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "pos", "migrate", "--database", "postgresql://h:x/db"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "pos: The database URL is not valid: the port is not a number (expected "
        "postgresql://HOST/DATABASE or sqlite:///PATH/TO/FILE). [CONFIG_ERROR]"
    ]


def test_an_overlong_counter_code_is_refused_before_it_is_saved(capsys):
    from pos import config

    assert main(["configure", "--no-test", "--counter", "C" * 23]) == 2
    assert "longer than 22 characters" in capsys.readouterr().err
    assert not config.settings_path().exists()
