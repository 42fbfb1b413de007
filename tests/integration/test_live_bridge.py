"""LiveBridge: changes from other counters arrive as Qt signals on the GUI thread, and the
connection state as onlineChanged (after a grace period, so a quick reconnect is silent)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pos.services import open_store
from pos.ui.live_bridge import LiveBridge
from tests.integration.live_worker import TcpProxy


@pytest.fixture
def other(db_url, manager):
    s = open_store(db_url, application_name="other")
    yield s
    s.close()


def test_other_counters_sale_arrives_on_gui_thread(qtbot, store, other, clerk, make_product):
    p = make_product(stock=9)
    bridge = LiveBridge(store)
    threads = []
    bridge.stockChanged.connect(lambda _ids: threads.append(QThread.currentThread()))
    bridge.start()
    try:
        assert bridge.live.wait_online(5)  # online once the poller has its baseline / LISTEN runs
        actor = other.auth.login("alice", "alice-password", counter="C2")
        with qtbot.waitSignal(bridge.stockChanged, timeout=3000) as blocker:
            other.cart.add(actor, p.id, 2)
        assert blocker.args == [(p.id,)]
        assert threads == [QApplication.instance().thread()]
        assert bridge.online
    finally:
        bridge.stop()
    bridge.stop()  # twice is fine


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_offline_banner_signal_and_recovery(qtbot, db_url, manager):
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    via = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    s = open_store(via, application_name="bridge")
    bridge = LiveBridge(s, offline_grace_ms=200, backoff_max=0.3)
    bridge.start()
    try:
        assert bridge.live.wait_online(5)
        with qtbot.waitSignal(bridge.onlineChanged, timeout=5000) as went:
            proxy.cut()
        assert went.args == [False]
        assert not bridge.online
        with (
            qtbot.waitSignal(bridge.onlineChanged, timeout=5000) as back,
            qtbot.waitSignal(bridge.resyncNeeded, timeout=5000),
        ):
            proxy.restore()
        assert back.args == [True]
        assert bridge.online
    finally:
        bridge.stop()
        s.close()
        proxy.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_quick_reconnect_does_not_flash_offline(qtbot, db_url, store):
    bridge = LiveBridge(store, offline_grace_ms=1500)
    states = []
    bridge.onlineChanged.connect(states.append)
    bridge.start()
    try:
        assert bridge.live.wait_online(5)
        engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
        with qtbot.waitSignal(bridge.resyncNeeded, timeout=5000), engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'pos-live' AND datname = current_database()"
                )
            )
        engine.dispose()
        qtbot.wait(1700)
        assert states == []
        assert bridge.online
    finally:
        bridge.stop()
