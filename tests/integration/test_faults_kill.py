"""SIGKILL a counter process at random moments of a scripted sale, many times.

After every kill the audit is ok and the counter, signed in again, finds its cart exactly
as of the last step it completed (or the step it was committing when it died). The
restarted counter then finishes that sale.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time

import pytest

from tests.integration import live_worker
from tests.integration.live_worker import LineReader, cart_state, script, simulate, spawn

pytestmark = pytest.mark.slow

ROUNDS = int(os.environ.get("POS_TEST_KILL_ROUNDS", "6"))


def test_sigkill_during_sale_loses_nothing(store, db_url, manager, clerk, make_product):
    products = [make_product(stock=2000) for _ in range(3)]
    ids = [str(p.id) for p in products]
    steps = script(ids)
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    committed_steps = 0
    for round_no in range(ROUNDS):
        proc = spawn("script", db_url, "K1", ",".join(ids), "0")
        reader = LineReader(proc)
        try:
            reader.expect(lambda line: line == "ready", timeout=30)
            time.sleep(rng.uniform(0.0, 0.5))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        lines = [ln for ln in reader.seen + reader.rest() if ln.startswith("state ")]
        if lines:
            _, step, state_json = lines[-1].split(" ", 2)
            last = json.loads(state_json)
            next_op = steps[(int(step) + 1) % len(steps)]
        else:
            last, next_op = {}, steps[0]
        committed_steps += len(lines)
        possible = [last, simulate(last, next_op)]

        report = store.audit.check()
        assert report.ok, (seed, round_no, report.problems)
        again = live_worker.login(store, "K1")
        cart = store.cart.current(again)
        assert cart_state(cart) in possible, (seed, round_no, cart_state(cart), possible)
        # The restarted counter completes the sale it found.
        if cart.lines:
            store.checkout.complete(again, [("cash", cart.total)], cart_id=cart.cart_id)
        assert store.cart.current(again).lines == ()
        assert store.audit.check().ok
    print(f"\nseed {seed}: {ROUNDS} kills after {committed_steps} committed steps")
    assert committed_steps > 0
