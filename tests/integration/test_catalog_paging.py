"""The counter grid pages by key (name, id): same rows as OFFSET paging, in the same order,
including products that share a name."""

from decimal import Decimal

import pytest

from pos.errors import ErrorCode, PosError


def test_key_paging_matches_offset_paging(store, manager, clerk, make_product):
    for n in range(23):
        make_product(name=f"Widget {n % 7}", stock=1)  # names repeat: id breaks the tie
    make_product(name="Gadget", stock=1)
    by_offset = [p.id for p in store.catalog.search(clerk, "widget", limit=1000)]
    by_key, after = [], None
    while True:
        page = store.catalog.search(clerk, "widget", after=after, limit=5)
        by_key += [p.id for p in page]
        if len(page) < 5:
            break
        after = page[-1]
    assert len(by_offset) == 23
    assert by_key == by_offset


def test_key_paging_only_with_ascending_name(store, clerk, make_product):
    p = make_product(stock=1)
    with pytest.raises(PosError) as exc:
        store.catalog.search(clerk, after=p, sort="price")
    assert exc.value.code == ErrorCode.VALIDATION_ERROR
    assert store.catalog.search(clerk, after=p) == []
    assert p.price == Decimal("10.00")
