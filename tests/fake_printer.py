"""A fake ESC/POS network printer for tests: a TCP server on 127.0.0.1 that records every
byte each connection sends, answers the paper-sensor query (DLE EOT 4) like an Epson, and
can be switched off (refuses connections) or out of paper.

The byte patterns below are the ESC/POS commands a real printer acts on; tests look for
them in what arrived instead of trusting the library that sent them.
"""

from __future__ import annotations

import socket
import threading

DRAWER_KICK = b"\x1bp\x00"  # ESC p 0: pulse on the drawer port's pin 2
CUT = b"\x1dV"  # GS V: cut
BARCODE = b"\x1dk"  # GS k: print a barcode
CODE128_B = b"\x1dkI"  # GS k 73: CODE128 (function type B)
PAPER_QUERY = b"\x10\x04\x04"  # DLE EOT 4: paper sensor status
PAPER_OK = b"\x12"
PAPER_OUT = b"\x72"


class FakeEscposPrinter:
    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.host, self.port = self._server.getsockname()[:2]
        self.jobs: list[bytes] = []  # one entry per connection, complete once it closed
        self.paper = PAPER_OK
        self._lock = threading.Lock()
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def received(self) -> bytes:
        with self._lock:
            return b"".join(self.jobs)

    def job_count(self) -> int:
        with self._lock:
            return len(self.jobs)

    def _serve(self) -> None:
        while self._running:
            try:
                conn, _addr = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        data = b""
        conn.settimeout(5)
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                answered = data.count(PAPER_QUERY)
                data += chunk
                for _ in range(data.count(PAPER_QUERY) - answered):
                    conn.sendall(self.paper)
        with self._lock:
            self.jobs.append(data)

    def stop(self) -> None:
        """Switch the printer off: later connections are refused."""
        self._running = False
        self._server.close()
        self._thread.join(timeout=2)
