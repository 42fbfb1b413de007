"""The typed change hub: kinds, the initiator token, and dropping echoes of our own commits."""

from __future__ import annotations

import threading
import uuid

import pytest

from pos.services.plumbing.events import (
    Change,
    ChangeKind,
    EventHub,
    current_initiator,
    initiated_by,
    new_initiator,
)


def collect(hub: EventHub) -> list[Change]:
    seen: list[Change] = []
    hub.subscribe(seen.append)
    return seen


def test_kinds_are_typed_and_compare_as_text():
    change = Change("stock", [uuid.uuid4()])
    assert change.kind is ChangeKind.STOCK
    assert change.kind == "stock"
    assert isinstance(change.ids, tuple)
    with pytest.raises(ValueError):
        Change("stocks")


def test_publish_inside_initiated_by_carries_the_token_only_on_that_thread():
    hub = EventHub()
    seen = collect(hub)
    token = new_initiator("counter")
    other_thread: list[str | None] = []
    with initiated_by(token):
        hub.stock_changed([uuid.uuid4()])
        worker = threading.Thread(target=lambda: other_thread.append(current_initiator()))
        worker.start()
        worker.join()
    hub.products_changed([uuid.uuid4()])
    assert [c.initiator for c in seen] == [token, None]
    assert seen[0].initiated_by(token) and not seen[1].initiated_by(token)
    assert other_thread == [None]
    assert not Change("stock").initiated_by(None)


def test_echo_of_our_own_commit_is_dropped_and_the_rest_passes():
    hub = EventHub()
    seen = collect(hub)
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    hub.stock_changed([ours])
    hub.publish(Change("stock", (ours, theirs), echo=True))
    hub.publish(Change("stock", (ours,), echo=True))  # a second echo is news again
    assert [(c.kind, c.ids, c.echo) for c in seen] == [
        ("stock", (ours,), False),
        ("stock", (theirs,), False),
        ("stock", (ours,), False),
    ]


def test_settings_echo_is_dropped_once():
    hub = EventHub()
    seen = collect(hub)
    hub.publish(Change("settings"))
    hub.publish(Change("settings", echo=True))
    hub.publish(Change("settings", echo=True))
    assert len(seen) == 2


def test_an_echo_of_another_kind_is_not_swallowed():
    hub = EventHub()
    seen = collect(hub)
    pid = uuid.uuid4()
    hub.products_changed([pid])
    hub.publish(Change("stock", (pid,), echo=True))
    assert [c.kind for c in seen] == ["product", "stock"]
