"""Tiny runs of every benchmark so they keep working. Never asserts on timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import catalog_scale, checkout, common, hot_product, report

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "POS_TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_admin(request: pytest.FixtureRequest) -> tuple[str, str]:
    admin = os.environ.get(PG_ENV)
    if request.param == "postgresql" and not admin:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"CI requires {PG_ENV} so the PostgreSQL benchmarks run")
        pytest.skip(f"PostgreSQL benchmark smoke runs need {PG_ENV}")
    return request.param, common.admin_url(admin)


def _check(records: list[dict], benchmark: str, backend: str) -> None:
    assert records
    for record in records:
        assert set(common.RESULT_KEYS) <= set(record), set(common.RESULT_KEYS) - set(record)
        assert record["benchmark"] == benchmark
        assert record["backend"] == backend
        assert record["audit_ok"] is True
        assert record["oversold"] == 0
        assert record["ops"] > 0
        json.dumps(record)


def test_hot_product(backend_admin: tuple[str, str]) -> None:
    backend, admin = backend_admin
    records = hot_product.run(admin, [backend], counters=[1], seconds=0.3)
    _check(records, "hot_product", backend)
    variants = {"project", "baseline", "naive"}
    if backend == "postgresql":  # the functions against the plain statements they replaced
        variants.add("statements")
    assert {r["variant"] for r in records} == variants
    project = next(r for r in records if r["variant"] == "project")
    if backend == "postgresql":
        assert project["statements_ops_per_s"] and project["ratio_vs_statements"]
    assert project["errors"] == 0
    assert project["statements_per_op"] > 0
    assert project["baseline_ops_per_s"] and project["naive_ops_per_s"]


def test_checkout(backend_admin: tuple[str, str]) -> None:
    backend, admin = backend_admin
    records = checkout.run(admin, [backend], counters=[1], seconds=0.3, products=1_000)
    _check(records, "checkout", backend)
    assert records[0]["statements_per_op"] > 0


def test_catalog_scale(backend_admin: tuple[str, str]) -> None:
    backend, admin = backend_admin
    records = catalog_scale.run(admin, [backend], [1_000], queries=3, scroll_limit_s=10)
    _check(records, "catalog_scale", backend)
    record = records[0]
    assert record["gui_note"] is None
    assert record["login_to_grid_s"] is not None
    assert record["scroll_rows_loaded"] == 1_000
    assert record["search_sku_found"] == "3/3"
    assert record["search_barcode_found"] == "3/3"


def test_command_line_prints_json_lines() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "catalog_scale", "--backend", "sqlite"]
        + ["--sizes", "500", "--queries", "2", "--no-gui"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    _check(records, "catalog_scale", "sqlite")
    assert "| sqlite | 500 |" in report.render(records)
