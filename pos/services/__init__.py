"""Use cases behind one facade: `store = open_store(url)`; see pos.services.store."""

from pos.services.store import Store, open_store

__all__ = ["Store", "open_store"]
