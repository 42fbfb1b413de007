"""`python -m bench.report < results.jsonl`: the benchmark JSON lines as Markdown tables."""

from __future__ import annotations

import json
import sys
from typing import Any


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ok" if value else "FAILED"
    return str(value)


def _table(records: list[dict[str, Any]], columns: list[tuple[str, str]]) -> list[str]:
    out = [
        "| " + " | ".join(title for title, _ in columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for record in records:
        out.append("| " + " | ".join(_cell(record.get(key)) for _, key in columns) + " |")
    return out


def render(records: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    hot = [r for r in records if r["benchmark"] == "hot_product"]
    if hot:
        lines += ["**hot_product** (an op is one add or one remove of the hot product)", ""]
        lines += _table(
            hot,
            [
                ("backend", "backend"),
                ("counters", "counters"),
                ("variant", "variant"),
                ("ops/s", "ops_per_s"),
                ("p50 ms", "p50_ms"),
                ("p95 ms", "p95_ms"),
                ("p99 ms", "p99_ms"),
                ("statements/op", "statements_per_op"),
                ("round trips/op", "round_trips_per_op"),
                ("x baseline", "ratio_vs_baseline"),
                ("x naive", "ratio_vs_naive"),
                ("oversold", "oversold"),
                ("audit", "audit_ok"),
            ],
        )
        lines.append("")
    sales = [r for r in records if r["benchmark"] == "checkout"]
    if sales:
        lines += ["**checkout** (5-line sales from a 10,000-product catalog)", ""]
        lines += _table(
            sales,
            [
                ("backend", "backend"),
                ("counters", "counters"),
                ("orders/s", "ops_per_s"),
                ("checkout p50 ms", "p50_ms"),
                ("checkout p95 ms", "p95_ms"),
                ("sale p95 ms", "sale_p95_ms"),
                ("checkout statements", "statements_per_op"),
                ("checkout round trips", "round_trips_per_op"),
                ("add statements", "add_statements_per_op"),
                ("add round trips", "add_round_trips_per_op"),
                ("oversold", "oversold"),
                ("audit", "audit_ok"),
            ],
        )
        lines.append("")
    scale = [r for r in records if r["benchmark"] == "catalog_scale"]
    if scale:
        lines += ["**catalog_scale**", ""]
        lines += _table(
            scale,
            [
                ("backend", "backend"),
                ("products", "catalog_products"),
                ("load s", "load_s"),
                ("name p95 ms", "search_name_p95_ms"),
                ("SKU p95 ms", "search_sku_p95_ms"),
                ("barcode p95 ms", "search_barcode_p95_ms"),
                ("login to grid s", "login_to_grid_s"),
                ("scroll end to end s", "scroll_end_to_end_s"),
                ("rows scrolled", "scroll_rows_loaded"),
                ("in s", "scroll_s"),
                ("GUI peak RSS MB", "gui_peak_rss_mb"),
                ("audit s", "audit_s"),
                ("oversold", "oversold"),
                ("audit", "audit_ok"),
            ],
        )
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    records = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
    print(render(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
