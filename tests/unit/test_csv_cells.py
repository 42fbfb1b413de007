"""Formula-safe CSV cells: escaped on the way out, exactly undone on the way in."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.services.plumbing.csv_cells import (
    SafeCsvWriter,
    safe_row,
    text_cell,
    text_from_cell,
)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-50% sale", "'-50% sale"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=x", "''=x"),  # a quote the user typed survives the round trip
        ("''-x", "'''-x"),
        ("'Twas", "'Twas"),  # not formula-looking: untouched
        ("Apple", "Apple"),
        ("a=b", "a=b"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_formula_starts_get_one_quote(value, cell):
    assert text_cell(value) == cell
    assert text_from_cell(cell) == value


def test_hand_written_quote_marks_text_as_a_spreadsheet_does():
    # Someone typed '-50% in a spreadsheet to keep it text: the quote is not the name.
    assert text_from_cell("'-50% sale") == "-50% sale"
    assert text_from_cell("'Twas") == "'Twas"


@given(st.text())
def test_round_trip_is_exact_for_any_text(value):
    assert text_from_cell(text_cell(value)) == value
    first = text_cell(value).lstrip("'")[:1]
    assert not text_cell(value) or text_cell(value)[0] not in "=+-@\t\r"
    assert first == value.lstrip("'")[:1]


def test_numbers_stay_numbers_and_text_is_escaped():
    fh = io.StringIO()
    SafeCsvWriter(fh).writerow(["-5", -5, Decimal("-1.50"), None, "=1"])
    assert next(csv.reader(io.StringIO(fh.getvalue()))) == ["'-5", "-5", "-1.50", "", "'=1"]


def test_other_types_are_a_caller_bug():
    with pytest.raises(TypeError):
        safe_row([True])
    with pytest.raises(TypeError):
        safe_row([1.5])
