"""Entry point of the frozen `pos` binary (PyInstaller analyses this file)."""

import multiprocessing
import sys

from pos.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless unless something spawns worker processes
    sys.exit(main())
