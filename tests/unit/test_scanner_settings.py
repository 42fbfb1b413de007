"""Scanner settings in the counter's settings file: round trip, system-wide defaults, and a
bad value that falls back to its default instead of stopping the counter."""

from __future__ import annotations

import json

import pytest

from pos import config
from pos.devices.scanner import settings as scanner_settings
from pos.devices.scanner.settings import ScannerSettings, Suffix


def test_defaults_fit_usb_scanners():
    s = ScannerSettings()
    assert 5 < s.max_gap_ms <= 30  # scanners 1-5 ms apart, people more than 30 ms
    assert s.suffix is Suffix.ENTER and s.sound is True and s.serial_port == ""


def test_save_and_load_round_trip_keeps_the_other_settings():
    config.save_user_settings(database_url="sqlite:///x.sqlite3", counter_code="C7")
    chosen = ScannerSettings(
        max_gap_ms=45,
        min_length=6,
        prefix="]E",
        suffix=Suffix.TAB,
        sound=False,
        serial_port="/dev/ttyACM0",
        serial_baud=115200,
    )
    path = scanner_settings.save(chosen)
    assert scanner_settings.load() == chosen
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["scanner_suffix"] == "tab" and stored["counter_code"] == "C7"
    assert config.load_settings().database_url == "sqlite:///x.sqlite3"
    config.save_user_settings(counter_code="C8")  # other tools' saves keep the scanner's
    assert scanner_settings.load() == chosen


def test_system_wide_file_gives_store_defaults(tmp_path, monkeypatch):
    system = tmp_path / "etc-settings.json"
    system.write_text(json.dumps({"scanner_prefix": "#", "scanner_min_length": "8"}))
    monkeypatch.setenv(config.ENV_SYSTEM_SETTINGS, str(system))
    assert scanner_settings.load() == ScannerSettings(prefix="#", min_length=8)
    scanner_settings.save(ScannerSettings(prefix="", min_length=5))
    assert scanner_settings.load().min_length == 5  # the counter's own file wins


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("max_gap_ms", "0"),
        ("max_gap_ms", "fast"),
        ("min_length", "1000"),
        ("prefix", "\x02"),
        ("prefix", "much-too-long-prefix"),
        ("suffix", "space"),
        ("sound", "loud"),
        ("serial_baud", "1234"),
    ],
)
def test_unusable_value_falls_back_to_its_default(key, value, caplog):
    values = {"scanner_max_gap_ms": "50", f"scanner_{key}": value}
    loaded = ScannerSettings.from_values(values)
    assert getattr(loaded, key) == getattr(ScannerSettings(), key)
    if key != "max_gap_ms":
        assert loaded.max_gap_ms == 50  # the good values are kept
    assert f"scanner setting {key} ignored" in caplog.text
