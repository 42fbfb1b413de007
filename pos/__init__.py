"""pos: a desktop point-of-sale for shops with one or many counters."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pos")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
