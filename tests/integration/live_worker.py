"""Counter processes and fault helpers for the live-sync and fault-injection tests.

Run as `python -m tests.integration.live_worker <command> ...` (a real counter process
that the test can read, watch and SIGKILL), or imported by a spawn pool.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import random
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from threading import Event  # the type of a multiprocessing Manager's Event proxy
from typing import Any

from pos.errors import ErrorCode, PosError
from pos.services import open_store
from tests.integration.cheap_hashing import use_cheap_hashing

use_cheap_hashing()

ROOT = Path(__file__).resolve().parents[2]
CLERK = ("alice", "alice-password")


def spawn(*args: str) -> subprocess.Popen[str]:
    """Start `python -m tests.integration.live_worker args...` with a line-read stdout."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.live_worker", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )


class LineReader:
    """Lines of a child's stdout, read by a thread, waited for with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.seen: list[str] = []
        assert proc.stdout is not None
        stream = proc.stdout
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self.lines.put((time.time(), line.strip()))
        self.lines.put((time.time(), "<eof>"))

    def expect(self, accept: Callable[[str], bool], timeout: float) -> tuple[float, str]:
        """The first line accepted (others are kept in `seen`); AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no expected line within {timeout} s; saw {self.seen[-5:]}")
            try:
                stamp, line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(line)
            if line == "<eof>":
                raise AssertionError(f"process ended; saw {self.seen[-5:]}")
            if accept(line):
                return stamp, line

    def rest(self, timeout: float = 5.0) -> list[str]:
        """All remaining lines up to end of file."""
        out = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                _, line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line == "<eof>":
                break
            out.append(line)
        return out


def login(store: Any, counter: str, attempts: int = 50) -> Any:
    """Sign in, retrying while faults are being injected."""
    for _ in range(attempts):
        try:
            return store.auth.login(*CLERK, counter=counter)
        except PosError as err:
            if err.code != ErrorCode.DATABASE_ERROR:
                raise
            time.sleep(0.05)
    raise RuntimeError("could not sign in")


# -- counter B with a product grid (Qt offscreen) ----------------------------------------
def grid_counter(url: str, counter: str, ids_csv: str, lifetime: float) -> None:
    """A counter with a grid model of the given products, kept live by LiveBridge.

    Prints "ready" once listening, then "row <id> <stock> <price>" whenever a row of the
    model changed (stdout is read by the test, which timestamps each line).
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication

    from pos.ui.live_bridge import LiveBridge

    app = QApplication([])
    store = open_store(url, application_name=counter)
    actor = login(store, counter)
    ids = [uuid.UUID(x) for x in ids_csv.split(",")]
    model = QStandardItemModel()
    row_of: dict[uuid.UUID, int] = {}
    pid_of_row: list[uuid.UUID] = []
    stock_role, price_role = 257, 258

    def show(row: int, product: Any) -> None:
        item = model.item(row)
        item.setText(f"{product.name} ({product.stock_quantity})")
        item.setData(product.stock_quantity, stock_role)
        item.setData(str(product.price), price_role)

    for product in store.catalog.get_many(actor, ids):
        row_of[product.id] = model.rowCount()
        pid_of_row.append(product.id)
        model.appendRow(QStandardItem(product.name))
        show(row_of[product.id], product)

    def refresh(changed: Any) -> None:
        wanted = [pid for pid in changed if pid in row_of]
        if wanted:
            for product in store.catalog.get_many(actor, wanted):
                show(row_of[product.id], product)

    def on_data_changed(top: Any, _bottom: Any, _roles: Any = ()) -> None:
        item = model.item(top.row())
        print(
            f"row {pid_of_row[top.row()]} {item.data(stock_role)} {item.data(price_role)}",
            flush=True,
        )

    model.dataChanged.connect(on_data_changed)
    bridge = LiveBridge(store)
    bridge.stockChanged.connect(refresh)
    bridge.productsChanged.connect(refresh)
    bridge.resyncNeeded.connect(lambda: refresh(list(row_of)))
    bridge.start()

    def announce() -> None:
        if bridge.live.online:
            print(f"ready {bridge.mode}", flush=True)
        else:
            QTimer.singleShot(20, announce)

    QTimer.singleShot(0, announce)
    QTimer.singleShot(int(lifetime * 1000), app.quit)
    app.exec()
    bridge.stop()
    store.close()


# -- sales under pg_terminate_backend ----------------------------------------------------
EXPECTED_REFUSALS = {ErrorCode.ITEM_NOT_IN_CART, ErrorCode.EMPTY_CART}


def _retry_db(call: Callable[[], Any], attempts: int = 100) -> Any:
    for _ in range(attempts):
        try:
            return call()
        except PosError as err:
            if err.code != ErrorCode.DATABASE_ERROR:
                raise
            time.sleep(0.01)
    raise RuntimeError("still failing after retries")


def sell_under_faults(
    url: str, counter: str, product_ids: list[str], ready: Event, stop: Event, seed: int
) -> dict[str, Any]:
    """Sell in a loop while the test kills this counter's connections; then one clean sale.

    A checkout that failed with DATABASE_ERROR is retried with the same cart id (the
    service returns the existing order if the first attempt did commit), as the counter
    window should do: no sale is lost and none is recorded twice.
    """
    # Every injected fault is logged with a traceback by the unit of work: keep the
    # test's output readable.
    logging.getLogger("pos").setLevel(logging.CRITICAL)
    rng = random.Random(seed)
    store = open_store(url, application_name=counter, pool_size=2)
    stats: dict[str, Any] = {
        "ok": 0,
        "db_errors": 0,
        "unknown_outcome": 0,
        "refused": 0,
        "unexpected": [],
        "orders": [],
        "final_ok": False,
    }
    try:
        actor = login(store, counter)
        ready.set()  # connected: the test starts injecting faults now
        while not stop.is_set():
            pid = rng.choice(product_ids)
            op = rng.choice(["add", "add", "add", "update", "remove", "checkout"])
            try:
                if op == "add":
                    store.cart.add(actor, pid, rng.randint(1, 2))
                elif op == "update":
                    store.cart.update(actor, pid, rng.randint(1, 3))
                elif op == "remove":
                    store.cart.remove(actor, pid)
                else:
                    cart = store.cart.current(actor)
                    if cart.lines:
                        order = _retry_db(
                            lambda cart=cart: store.checkout.complete(
                                actor, [("cash", cart.total + 1)], cart_id=cart.cart_id
                            )
                        )
                        stats["orders"].append(order.id)
                stats["ok"] += 1
            except PosError as err:
                if err.code == ErrorCode.DATABASE_ERROR:
                    stats["db_errors"] += 1
                    stats["unknown_outcome"] += err.details.get("outcome") == "unknown"
                elif err.code in EXPECTED_REFUSALS:
                    stats["refused"] += 1
                else:
                    stats["unexpected"].append(f"{op}: {err.code} {err.message}")
        # Faults are over: the same process must work at once, without a restart.
        store.cart.add(actor, product_ids[0], 1)
        cart = store.cart.current(actor)
        order = store.checkout.complete(actor, [("cash", cart.total)], cart_id=cart.cart_id)
        stats["orders"].append(order.id)
        stats["final_ok"] = True
        return stats
    finally:
        store.close()


# -- scripted sale for SIGKILL -----------------------------------------------------------
def script(ids: list[str]) -> list[tuple[Any, ...]]:
    a, b, c = ids
    return [
        ("add", a, 1),
        ("add", b, 2),
        ("update", a, 3),
        ("add", c, 1),
        ("remove", b),
        ("add", b, 1),
        ("checkout",),
    ]


def simulate(state: dict[str, int], op: tuple[Any, ...]) -> dict[str, int]:
    """What the cart holds after op (the counter's own view of the script)."""
    after = dict(state)
    if op[0] == "add":
        after[op[1]] = after.get(op[1], 0) + op[2]
    elif op[0] == "update":
        after[op[1]] = op[2]
    elif op[0] == "remove":
        after.pop(op[1], None)
    else:
        after = {}
    return after


def cart_state(cart: Any) -> dict[str, int]:
    return {str(line.product_id): line.quantity for line in cart.lines}


def scripted_sale(url: str, counter: str, ids_csv: str, pause: float) -> None:
    """Run the script over and over; print the cart after every committed step."""
    ids = ids_csv.split(",")
    store = open_store(url, application_name=counter, pool_size=1)
    actor = login(store, counter)
    print("ready", flush=True)
    steps = script(ids)
    n = 0
    while True:
        op = steps[n % len(steps)]
        if op[0] == "add":
            cart = store.cart.add(actor, op[1], op[2])
        elif op[0] == "update":
            cart = store.cart.update(actor, op[1], op[2])
        elif op[0] == "remove":
            cart = store.cart.remove(actor, op[1])
        else:
            cart = store.cart.current(actor)
            store.checkout.complete(actor, [("card", cart.total)], cart_id=cart.cart_id)
            cart = store.cart.current(actor)
        print(f"state {n} {json.dumps(cart_state(cart), sort_keys=True)}", flush=True)
        n += 1
        if pause:
            time.sleep(pause)


# -- a TCP proxy that can cut the line (an unreachable server, without touching it) -------
class TcpProxy:
    """Forwards 127.0.0.1:<port> to the database; `cut()` drops every connection and
    refuses new ones (as a dead server or network would); `restore()` lets them in again.
    With blackhole=True a cut proxy accepts connections but never answers."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._open = True
        self.blackhole = False
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self._open:
                if self.blackhole:
                    self._held.append(client)
                else:
                    client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 0.5)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()

    def cut(self, *, blackhole: bool = False) -> None:
        self.blackhole = blackhole
        self._open = False
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self._open = True
        held, self._held = self._held, []
        for sock in held:
            sock.close()

    def close(self) -> None:
        self._stopped = True
        self.cut()
        self.restore()
        self._server.close()


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "grid":
        grid_counter(rest[0], rest[1], rest[2], float(rest[3]))
    elif command == "script":
        scripted_sale(rest[0], rest[1], rest[2], float(rest[3]))
    else:
        raise SystemExit(f"unknown command {command}")


# -- a throwaway PostgreSQL server that a test may stop and start ------------------------
PG_BIN = Path(os.environ.get("POS_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PrivatePostgres:
    """initdb + pg_ctl in a temp folder on a free port, so a test can restart "the server"
    without disturbing the shared one. As root it runs as the postgres user."""

    def __init__(self, superuser_password: str | None = None) -> None:
        """superuser_password: TCP connections then authenticate with SCRAM-SHA-256, as
        a real shop's server does (the shared test server trusts everyone)."""
        # Not under pytest's tmp_path: that folder is private to root, the server's user
        # could not enter it.
        self.folder = Path(tempfile.mkdtemp(prefix="pos-pg-"))
        self.data = self.folder / "data"
        self.password = superuser_password
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        secret = f":{superuser_password}" if superuser_password else ""
        self.url = f"postgresql+psycopg://postgres{secret}@127.0.0.1:{self.port}/postgres"

    @staticmethod
    def available() -> bool:
        if not (PG_BIN / "initdb").exists():
            return False
        if os.geteuid() != 0:
            return True
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return False
        return True

    def _run(self, *args: str) -> None:
        cmd = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}")

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        auth = ["-A", "trust"]
        if self.password:
            pwfile = self.folder / "pwfile"
            pwfile.write_text(self.password + "\n")
            if os.geteuid() == 0:
                shutil.chown(pwfile, "postgres", "postgres")
            auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
        self._run("initdb", "-D", str(self.data), "-U", "postgres", *auth, "--no-sync")
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c password_encryption=scram-sha-256"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
