import os
import stat

import pytest

from pos.errors import ErrorCode, PosError
from pos.files import write_text_file


def test_whole_file_or_nothing(tmp_path):
    target = tmp_path / "out.csv"
    with write_text_file(target) as fh:
        fh.write("a,b\n")
    assert target.read_text() == "a,b\n"
    with pytest.raises(RuntimeError), write_text_file(target) as fh:
        fh.write("half")
        raise RuntimeError("export failed midway")
    assert target.read_text() == "a,b\n"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left


def test_unwritable_place_is_a_file_error(tmp_path):
    with pytest.raises(PosError) as exc, write_text_file(tmp_path / "missing" / "x.csv"):
        pass
    assert exc.value.code == ErrorCode.FILE_ERROR
    assert "Cannot write" in exc.value.message


def test_exports_are_ordinary_files_the_umask_decides(tmp_path):
    """A CSV for the supplier must be shareable: 0644 under the usual umask 022, not 0600."""
    old = os.umask(0o022)
    try:
        with write_text_file(tmp_path / "reorder.csv") as fh:
            fh.write("sku\n")
        os.umask(0o002)
        with write_text_file(tmp_path / "group.csv") as fh:
            fh.write("sku\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "reorder.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "group.csv").stat().st_mode) == 0o664
