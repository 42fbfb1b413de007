"""The admin products table pages by key in whatever column it is sorted by: scrolled to
the end it holds exactly the service's full listing, no row twice, none skipped."""

from __future__ import annotations

import pytest

from pos.services.catalog.products_admin import ProductQuery
from pos.ui.admin.product_model import PAGE, AdminProductModel
from pos.ui.worker import TaskRunner

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("sort", "descending"), [("price", True), ("category", False)])
def test_scrolling_every_page_matches_the_full_listing(
    qtbot, qtmodeltester, gui_store, manager_actor, tmp_path, sort, descending
):
    rows = ["sku,name,price,stock,category"]
    rows += [
        f"PG-{i:04d},Paged {i % 13},{i % 17}.25,{i % 4},{'' if i % 5 else 'Z'}" for i in range(450)
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    gui_store.product_io.import_csv(manager_actor, path)
    runner = TaskRunner(max_threads=1)
    model = AdminProductModel.for_store(gui_store, manager_actor, runner)
    asked: list[object] = []
    fetch = model._fetch_rows
    model._fetch_rows = lambda q, after, limit: asked.append(after) or fetch(q, after, limit)
    query = ProductQuery(sort=sort, descending=descending)
    model.set_query(query)
    qtbot.waitUntil(lambda: model.rowCount() == PAGE)
    while model.canFetchMore():
        model.fetchMore()
        qtbot.waitUntil(lambda: not model.loading)
    expected = gui_store.products_admin.rows(manager_actor, query, limit=1000)
    assert len(expected) > 2 * PAGE
    shown = [model.row_at(r).product.id for r in range(model.rowCount())]
    assert shown == [r.product.id for r in expected]
    assert asked[0] is None and all(a is not None for a in asked[1:])  # by key after page 1
    qtmodeltester.check(model)
    runner.shutdown()
