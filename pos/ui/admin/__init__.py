"""The inventory admin window for managers (issue 7)."""

from pos.ui.admin.window import AdminWindow, open_admin_window

__all__ = ["AdminWindow", "open_admin_window"]
