"""Any text at all, as a products CSV: the parser answers with line errors, never raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pos.services.catalog.csv_format import COLUMNS, parse

CELL = st.text(
    alphabet=st.sampled_from(list("aZ09 .,;-=+@'\"\t\r\n\x00\u200b\u202e\x1b") + ["\U0001f600"]),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=len(COLUMNS) + 1), max_size=6))
def test_any_rows_under_a_good_header_give_rows_or_line_errors(rows):
    text = ",".join(COLUMNS) + "\n" + "\n".join(",".join(r) for r in rows)
    parsed = parse(text)
    assert all(1 < e.line <= text.count("\n") + 2 for e in parsed.errors)
    for row in parsed.rows:
        assert row.sku and row.name and row.price_cents >= 0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_at_all(text):
    parsed = parse(text)
    assert all(e.line >= 1 and e.reason for e in parsed.errors)
