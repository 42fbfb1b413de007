"""Use cases behind one facade: `store = open_store(url)`; see pos.services.facade."""

from pos.services.facade import Store, open_store

__all__ = ["Store", "open_store"]
