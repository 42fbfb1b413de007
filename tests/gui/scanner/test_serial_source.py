"""Serial scanners through a real pseudo-terminal: the reader thread opens the pty's slave
side like a COM port and the test writes what a scanner would send."""

from __future__ import annotations

import os
import sys

import pytest

from pos.devices.scanner.serial_source import SerialScanSource

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only"),
]


@pytest.fixture
def pty_port():
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


@pytest.fixture
def source(qtbot, pty_port):
    _, name = pty_port
    reader = SerialScanSource(name, 9600, prefix="]E")
    yield reader
    reader.stop()


def test_codes_end_with_cr_lf_or_crlf(qtbot, pty_port, source):
    master, _ = pty_port
    codes: list[str] = []
    source.scanned.connect(codes.append)
    with qtbot.waitSignal(source.stateChanged, timeout=3000) as opened:
        source.start()
    assert opened.args[0] is True and "Listening" in opened.args[1]
    os.write(master, b"4006381333931\r\n12345678\rSYNCHP-001\n")
    qtbot.waitUntil(lambda: len(codes) == 3, timeout=3000)
    assert codes == ["4006381333931", "12345678", "SYNCHP-001"]


def test_split_writes_prefix_framing_and_a_pause(qtbot, pty_port, source):
    master, _ = pty_port
    codes: list[str] = []
    source.scanned.connect(codes.append)
    with qtbot.waitSignal(source.stateChanged, timeout=3000):
        source.start()
    os.write(master, b"\x02]E40063")  # STX framing and the prefix, code split over writes
    os.write(master, b"81333931\x03\r")
    qtbot.waitUntil(lambda: codes == ["4006381333931"], timeout=3000)
    os.write(master, b"77001234")  # no terminator at all: a pause ends it
    qtbot.waitUntil(lambda: codes[-1:] == ["77001234"], timeout=3000)
    assert len(codes) == 2


def test_missing_port_is_reported_not_raised(qtbot, tmp_path):
    reader = SerialScanSource(str(tmp_path / "ttyNOPE"), 9600)
    try:
        with qtbot.waitSignal(reader.stateChanged, timeout=3000) as state:
            reader.start()
        assert state.args[0] is False and "Cannot read" in state.args[1]
    finally:
        reader.stop()
