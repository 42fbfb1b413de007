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
