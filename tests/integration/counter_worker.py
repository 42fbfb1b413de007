"""Code that runs in separate processes, like real counters (each its own engine)."""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from threading import Barrier  # the type of a multiprocessing Manager's Barrier proxy

from pos.errors import ErrorCode, PosError
from pos.services import open_store
from tests.integration.cheap_hashing import use_cheap_hashing

use_cheap_hashing()


def hammer_one_product(url: str, counter: str, product_id: str, attempts: int) -> dict[str, int]:
    """Try to add 1 unit `attempts` times; count what happened."""
    store = open_store(url)
    try:
        actor = store.auth.login("alice", "alice-password", counter=counter)
        outcome = {"ok": 0, "insufficient": 0, "other": 0}
        for _ in range(attempts):
            try:
                store.cart.add(actor, product_id, 1)
                outcome["ok"] += 1
            except PosError as err:
                key = "insufficient" if err.code == ErrorCode.INSUFFICIENT_STOCK else "other"
                outcome[key] += 1
        return outcome
    finally:
        store.close()


def mixed_run(url: str, counter: str, product_ids: list[str], steps: int, seed: int) -> dict:
    """Random add/update/remove/checkout/adjust; only expected refusals are allowed."""
    rng = random.Random(seed)
    store = open_store(url)
    expected = {
        ErrorCode.INSUFFICIENT_STOCK,
        ErrorCode.ITEM_NOT_IN_CART,
        ErrorCode.EMPTY_CART,
        ErrorCode.INVALID_QUANTITY,
    }
    stats = {"ops": 0, "refused": 0, "orders": 0, "unexpected": []}
    try:
        clerk = store.auth.login("alice", "alice-password", counter=counter)
        boss = store.auth.login("boss", "boss-password-1", counter=counter + "-M")
        for _ in range(steps):
            pid = rng.choice(product_ids)
            op = rng.choice(["add", "add", "add", "update", "remove", "checkout", "adjust"])
            try:
                if op == "add":
                    store.cart.add(clerk, pid, rng.randint(1, 3))
                elif op == "update":
                    store.cart.update(clerk, pid, rng.randint(1, 5))
                elif op == "remove":
                    store.cart.remove(clerk, pid)
                elif op == "checkout":
                    cart = store.cart.current(clerk)
                    store.checkout.complete(
                        clerk, [("cash", cart.total + Decimal("1"))], cart_id=cart.cart_id
                    )
                    stats["orders"] += 1
                else:
                    store.inventory.adjust(boss, pid, rng.choice([-2, -1, 1, 2, 3]), "adjust")
                stats["ops"] += 1
            except PosError as err:
                stats["refused"] += 1
                if err.code not in expected:
                    stats["unexpected"].append(f"{op}: {err.code} {err.message}")
        return stats
    finally:
        store.close()


def add_then_wait(url: str, counter: str, product_id: str, quantity: int) -> None:
    """For the crash test: add to the cart, say so, then wait to be killed (or for the
    test's end of stdin, so a worker never outlives a test that died)."""
    store = open_store(url)
    actor = store.auth.login("alice", "alice-password", counter=counter)
    store.cart.add(actor, product_id, quantity)
    print("added", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    add_then_wait(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))


def new_names_at_once(url: str, start: Barrier, n: int) -> str:
    """Sign in at a brand-new counter code and create a product in a brand-new category, at
    the same moment as the other processes: get-or-create must not race."""
    store = open_store(url)
    try:
        start.wait(timeout=120)
        boss = store.auth.login("boss", "boss-password-1", counter="RACE")
        store.catalog.add_product(
            boss, sku=f"RACE-{n}", name=f"Race {n}", price=Decimal("1.00"), category="Race Day"
        )
        return "ok"
    except PosError as err:
        return err.code
    finally:
        store.close()


def open_cart_at_once(url: str, start: Barrier, product_id: str) -> str:
    """Two sessions at one counter code add their first item at the same moment."""
    store = open_store(url)
    try:
        actor = store.auth.login("alice", "alice-password", counter="SHARED")
        start.wait(timeout=120)
        store.cart.add(actor, product_id, 1)
        return "ok"
    except PosError as err:
        return err.code
    finally:
        store.close()
