"""One look for the whole counter: palette colours, the style sheet and the app icon."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from pos.paths import icon_path

ACCENT = "#1d5fd1"
ACCENT_DARK = "#174aa3"
SUCCESS = "#1a7f37"
DANGER = "#c62828"
WARNING = "#b26a00"
TEXT = "#1f2328"
MUTED = "#636c76"
BORDER = "#d6dae0"
SURFACE = "#ffffff"
BACKGROUND = "#eef1f5"


def color(name: str) -> QColor:
    return QColor(name)


STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {BACKGROUND}; }}
QWidget {{ color: {TEXT}; }}
QToolTip {{ color: {TEXT}; background: #fffbe6; border: 1px solid {BORDER}; padding: 4px; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px;
    padding: 5px 8px; min-height: 22px; selection-background-color: {ACCENT};
}}
QComboBox::drop-down {{ border: none; width: 24px; }}
QComboBox::down-arrow {{ width: 10px; height: 10px; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus {{ border: 2px solid {ACCENT}; padding: 4px 7px; }}
QLineEdit[error="true"] {{ border: 2px solid {DANGER}; background: #fdecea; padding: 4px 7px; }}
QLineEdit#scanField {{ font-size: 12pt; font-family: "DejaVu Sans Mono", monospace; }}
QPushButton {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px;
    padding: 6px 14px; min-height: 22px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; padding: 5px 13px; }}
QPushButton:disabled {{ color: #9aa1a9; background: #f3f4f6; }}
QPushButton#primary {{
    background: {ACCENT}; color: white; border: none; font-weight: bold; font-size: 12pt;
    padding: 10px 18px;
}}
QPushButton#primary:hover {{ background: {ACCENT_DARK}; }}
QPushButton#primary:focus {{ border: 2px solid #0b2e6b; padding: 8px 16px; }}
QPushButton#primary:disabled {{ background: #9db6e3; color: #eef3fb; }}
QPushButton#danger {{ color: {DANGER}; }}
QFrame#panel {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 10px; }}
QFrame#header {{ background: #17212f; }}
QFrame#header QLabel {{ color: #e8edf3; }}
QLabel#storeTitle {{ font-size: 14pt; font-weight: bold; color: white; }}
QLabel#sectionTitle {{ font-size: 13pt; font-weight: bold; }}
QLabel#badge {{
    background: {ACCENT}; color: white; border-radius: 11px; padding: 2px 9px;
    font-weight: bold; min-width: 8px;
}}
QLabel#muted {{ color: {MUTED}; }}
QLabel#totalLabel, QLabel#totalValue {{ font-size: 16pt; font-weight: bold; }}
QLabel#bigAmount {{ font-size: 24pt; font-weight: bold; color: {ACCENT_DARK}; }}
QLabel#changeAmount {{ font-size: 16pt; font-weight: bold; color: {SUCCESS}; }}
QLabel#changeAmount[short="true"] {{ color: {DANGER}; }}
QLabel#changeDue {{ font-size: 26pt; font-weight: bold; color: {SUCCESS}; }}
QLabel#changeDue[state="short"] {{ color: {DANGER}; }}
QLabel#changeDue[state="problem"], QLabel#changeDue[state="empty"] {{ color: {MUTED}; }}
QLabel#changeDue[long="true"] {{ font-size: 14pt; }}
QLabel#warningNote {{ color: {WARNING}; font-weight: bold; }}
QLabel#formError {{ color: {DANGER}; font-weight: bold; }}
QLabel#orderNumber {{ font-size: 18pt; font-weight: bold; color: {SUCCESS}; }}
QListView#productGrid {{ background: {BACKGROUND}; border: none; }}
QTableView {{
    background: {SURFACE}; border: none; gridline-color: #eceff3;
    selection-background-color: #dbe7fb; selection-color: {TEXT};
    alternate-background-color: #f8f9fb;
}}
QHeaderView::section {{
    background: #f6f7f9; border: none; border-bottom: 1px solid {BORDER};
    padding: 6px; font-weight: bold; color: {MUTED};
}}
QFrame#notice {{ border-radius: 8px; }}
QFrame#notice[kind="success"] {{ background: #e6f4ea; border: 1px solid #9bd1a9; }}
QFrame#notice[kind="error"] {{ background: #fdecea; border: 1px solid #f0a8a3; }}
QFrame#notice[kind="info"] {{ background: #e8f0fd; border: 1px solid #a9c3f0; }}
QFrame#notice QLabel {{ font-weight: bold; }}
QCheckBox {{ spacing: 8px; }}
QMenuBar {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; }}
QStatusBar {{ background: {SURFACE}; color: {MUTED}; }}
"""


def app_icon() -> QIcon:
    path = icon_path()
    return QIcon(str(path)) if path.exists() else QIcon()


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
    app.setWindowIcon(app_icon())


def fix_minimum_size(widget: QWidget, extra_height: int = 0) -> None:
    """Set the window's minimum size once, before it is shown, with room for messages
    that appear later; the layout then never resizes a visible window's limits (which
    some platforms, e.g. the offscreen one, cannot pass on)."""
    hint = widget.minimumSizeHint()
    widget.setMinimumSize(max(hint.width(), widget.minimumWidth()), hint.height() + extra_height)
