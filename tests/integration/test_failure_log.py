"""The failure log is bounded (issue 21 item 7): at most MAX_ROWS_PER_MINUTE rows per user
and minute, the rest counted in one summary row per error code, and rows older than the
store's retention setting pruned at most once an hour. Both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from pos.errors import ErrorCode, PosError
from pos.models import FailedOperation, utcnow
from pos.services.plumbing import failure_log
from pos.services.plumbing.failure_log import MAX_ROWS_PER_MINUTE, SUMMARY_OPERATION

LIMIT = MAX_ROWS_PER_MINUTE


@pytest.fixture(autouse=True)
def _no_prune_yet(monkeypatch):
    """Each test starts as a fresh process would: no prune done yet."""
    monkeypatch.setattr(failure_log, "_pruned_at", {})


def _rows(store, **where) -> list[FailedOperation]:
    with store.engine.connect() as conn:
        stmt = select(FailedOperation).filter_by(**where).order_by(FailedOperation.id)
        return list(conn.execute(stmt).all())


def _refuse(call, times: int) -> None:
    for _ in range(times):
        with pytest.raises(PosError):
            call()


def test_a_hostile_loop_writes_a_bounded_number_of_rows_but_every_failure_counts(
    store, manager, clerk, make_product
):
    product = make_product()
    _refuse(lambda: store.cart.add(clerk, product.id, 0), 60)  # INVALID_QUANTITY
    _refuse(lambda: store.catalog.find_code(clerk, "no-such-code"), 25)  # PRODUCT_NOT_FOUND
    rows = _rows(store, user_id=clerk.user_id)
    singles = [r for r in rows if r.operation != SUMMARY_OPERATION]
    summaries = {r.code: r for r in rows if r.operation == SUMMARY_OPERATION}
    # The minute may turn during the loop: then the new minute starts a new allowance.
    assert LIMIT <= len(singles) <= 2 * LIMIT
    assert len(rows) <= 2 * (LIMIT + 2)
    assert sum(r.occurrences for r in rows) == 85  # every failure is still counted
    assert set(summaries) <= {ErrorCode.INVALID_QUANTITY, ErrorCode.PRODUCT_NOT_FOUND}
    assert summaries, "nothing was summarised"
    first = next(iter(summaries.values()))
    assert first.occurrences > 1 and "first_operation" in first.details
    # The error-rate report counts failures, not rows.
    report = store.reports.sales_report(manager, utcnow().date(), utcnow().date())
    by_code = {e.code: e.count for e in report.failures}
    assert by_code[ErrorCode.INVALID_QUANTITY] == 60
    assert by_code[ErrorCode.PRODUCT_NOT_FOUND] == 25


def test_the_limit_is_per_user(store, manager, clerk, make_product):
    product = make_product()
    _refuse(lambda: store.cart.add(clerk, product.id, 0), LIMIT + 10)
    _refuse(lambda: store.cart.add(manager, product.id, 0), 3)  # no counter: refused too
    mine = _rows(store, user_id=manager.user_id)
    assert [r.occurrences for r in mine] == [1, 1, 1]  # the clerk's loop did not silence them


def test_sign_in_failures_of_unknown_callers_share_one_bounded_bucket(store, clerk):
    _refuse(lambda: store.auth.login("nobody", "wrong-password"), LIMIT + 15)
    anonymous = _rows(store, user_id=None)
    assert len(anonymous) <= 2 * (LIMIT + 1)
    assert sum(r.occurrences for r in anonymous) == LIMIT + 15
    # A signed-in user's next refusal is written as usual, in their own bucket.
    with pytest.raises(PosError):
        store.catalog.find_code(clerk, "nope")
    assert [r.occurrences for r in _rows(store, user_id=clerk.user_id)] == [1]


def _old_row(store, days: float) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            insert(FailedOperation).values(
                operation="old.one",
                code=ErrorCode.VALIDATION_ERROR,
                message="old",
                details="{}",
                created_at=utcnow() - timedelta(days=days),
            )
        )


def _old_count(store) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count(FailedOperation.id)).where(FailedOperation.operation == "old.one")
            ).scalar_one()
        )


def test_rows_past_the_retention_are_pruned_at_most_once_an_hour(store, manager, clerk):
    _old_row(store, 91)
    _old_row(store, 10)
    with pytest.raises(PosError):
        store.catalog.find_code(clerk, "nope")  # the write path prunes (first time: due)
    assert _old_count(store) == 1  # 91 days old: gone; 10 days: kept (default 90)
    assert (
        store.settings.update(manager, failure_log_retention_days=5).failure_log_retention_days == 5
    )
    _old_row(store, 200)
    with pytest.raises(PosError):
        store.catalog.find_code(clerk, "nope")
    assert _old_count(store) == 2  # pruned less than an hour ago: not again yet
    for key in failure_log._pruned_at:  # an hour later (a key per engine: per user on PG)
        failure_log._pruned_at[key] -= failure_log.PRUNE_EVERY + 1
    with pytest.raises(PosError):
        store.catalog.find_code(clerk, "nope")
    assert _old_count(store) == 0  # the new 5-day setting applies
    assert len(_rows(store, operation="catalog.find_code")) == 3  # the failures themselves


@pytest.mark.parametrize("days", [0, -1, 3651, "abc", 1.5, None, True])
def test_the_retention_setting_is_bounded(store, manager, days):
    with pytest.raises(PosError) as err:
        store.settings.update(manager, failure_log_retention_days=days)
    assert err.value.code == ErrorCode.VALIDATION_ERROR
    assert store.settings.get(manager).failure_log_retention_days == 90


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_on_postgresql_the_prune_goes_through_the_owners_function(store, clerk):
    """pos roles have no DELETE on the log: where pos_prune_failed_operations() exists (the
    grants install it), pruning calls it instead of deleting itself."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    _old_row(store, 1)  # young: only the function (below, a stand-in) would delete it
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION pos_prune_failed_operations() RETURNS integer"
                " LANGUAGE sql AS $$ WITH gone AS (DELETE FROM failed_operations"
                " WHERE operation = 'old.one' RETURNING 1) SELECT count(*)::integer + 1000"
                " FROM gone $$"
            )
        )
    with Session(store.engine) as session, session.begin():
        assert failure_log.prune_if_due(session, utcnow(), force=True) == 1001
    assert _old_count(store) == 0
