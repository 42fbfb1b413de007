"""The old name of the change bus (kept for callers written before it was renamed)."""

from pos.ui.change_bus import ChangeBus as LiveBridge

__all__ = ["LiveBridge"]
