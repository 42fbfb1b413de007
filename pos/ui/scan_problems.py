"""Failed scans that stay on screen until the clerk has seen them.

A notice that fades, or that the next "Added ..." replaces, lets an item leave the shop
uncharged. Each failed scan (unknown code, no stock, a lock that timed out ...) gets a row
in the cart area that stays until the clerk presses OK or the same item is added after all.
A lock timeout changed nothing, so it offers "Try again". The same code failing again
updates its row (and makes it the newest) instead of adding one.

Only the newest few rows are shown, each at its full height: a burst of unknown codes must
not squash the rows until they are unreadable or push the cart table off the screen. The
older ones wait behind a "N more" line; they come back one by one as the shown ones are
acknowledged, and F8 ("Failed scans seen") clears them all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos.errors import ErrorCode, PosError

RETRYABLE = {ErrorCode.LOCK_TIMEOUT}  # nothing was written: trying again is safe
SHOWN_ROWS = 3  # more would squeeze the cart table at 1024x768


@dataclass(frozen=True)
class ScanProblem:
    code: str
    message: str
    error_code: str
    product_id: uuid.UUID | None = None
    times: int = 1

    @property
    def retryable(self) -> bool:
        return self.error_code in RETRYABLE


class _ProblemRow(QFrame):
    def __init__(self, problem: ScanProblem, panel: ScanProblemsPanel) -> None:
        super().__init__(panel)
        self.problem: ScanProblem = problem
        self.setObjectName("scanProblem")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Scan problem")
        self.retry_button = QPushButton("Try again")
        self.retry_button.setToolTip("Scan this code again now (F7)")
        self.retry_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.retry_button.clicked.connect(lambda: panel.retryRequested.emit(self.problem.code))
        self.ok_button = QPushButton("OK")
        self.ok_button.setToolTip("Seen: remove this message (F8)")
        self.ok_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.ok_button.clicked.connect(lambda: panel.acknowledge(self.problem.code))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.ok_button)
        # Never squashed below the height its wrapped text needs.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.show_problem(problem)

    def show_problem(self, problem: ScanProblem) -> None:
        self.problem = problem
        again = f" (\u00d7{problem.times})" if problem.times > 1 else ""
        text = f"\u26a0 Not added{again}: {problem.message}"
        if problem.code not in problem.message:  # "No product has the code ..." says it already
            text += f"\nScanned code: {problem.code}"
        self.label.setText(text)
        self.retry_button.setVisible(problem.retryable)


class ScanProblemsPanel(QFrame):
    """The list of unacknowledged failed scans; hidden while there is none."""

    retryRequested = Signal(str)  # code
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanProblems")
        self.setAccessibleName("Failed scans")
        self.setStyleSheet(
            "QFrame#scanProblem { background: #fdecea; border: 2px solid #c62828;"
            " border-radius: 6px; }"
            " QFrame#scanProblem QLabel { color: #7f1d1d; font-weight: bold; }"
        )
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.more_label = QLabel()
        self.more_label.setTextFormat(Qt.TextFormat.PlainText)
        self.more_label.setAccessibleName("More failed scans")
        self.more_label.setStyleSheet("color: #7f1d1d; font-weight: bold;")
        self._layout.addWidget(self.more_label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._rows: dict[str, _ProblemRow] = {}  # oldest first
        self.hide()

    @property
    def problems(self) -> list[ScanProblem]:
        """Every unacknowledged failure, oldest first (shown or waiting behind "N more")."""
        return [row.problem for row in self._rows.values()]

    @property
    def shown_rows(self) -> list[_ProblemRow]:
        """The rows on screen, newest first."""
        return list(reversed(list(self._rows.values())[-SHOWN_ROWS:]))

    def row(self, code: str) -> _ProblemRow | None:
        return self._rows.get(code)

    def add(self, code: str, err: PosError, product_id: uuid.UUID | None = None) -> ScanProblem:
        row = self._rows.get(code)
        if row is not None:
            problem = replace(
                row.problem,
                message=err.message,
                error_code=err.code,
                product_id=product_id or row.problem.product_id,
                times=row.problem.times + 1,
            )
            row.show_problem(problem)
            del self._rows[code]  # failed again just now: it is the newest
        else:
            problem = ScanProblem(code, err.message, err.code, product_id)
            row = _ProblemRow(problem, self)
        self._rows[code] = row
        self._arrange()
        self.changed.emit()
        return problem

    def resolve(self, code: str | None = None, product_id: uuid.UUID | None = None) -> None:
        """The item was added after all: its problem is settled."""
        for key, row in list(self._rows.items()):
            problem = row.problem
            if key == code or (product_id is not None and problem.product_id == product_id):
                self._remove(key)

    def acknowledge(self, code: str) -> None:
        self._remove(code)

    def acknowledge_all(self) -> None:
        for code in list(self._rows):
            self._remove(code)

    def retry_first(self) -> bool:
        for problem in self.problems:
            if problem.retryable:
                self.retryRequested.emit(problem.code)
                return True
        return False

    def _remove(self, code: str) -> None:
        row = self._rows.pop(code, None)
        if row is None:
            return
        self._layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._arrange()
        self.changed.emit()

    def _arrange(self) -> None:
        """Newest rows on top, right under the scanner field; the rest counted below."""
        shown = self.shown_rows
        for row in self._rows.values():
            self._layout.removeWidget(row)
            row.setVisible(False)
        for index, row in enumerate(shown):
            self._layout.insertWidget(index, row)
            row.setVisible(True)
        hidden = len(self._rows) - len(shown)
        self.more_label.setText(
            f"{hidden} more failed scan{'s' if hidden != 1 else ''} \u2014 OK shows the next,"
            " F8 clears all"
        )
        self.more_label.setVisible(hidden > 0)
        self.setVisible(bool(self._rows))
