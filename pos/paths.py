"""Where the shipped resources are: source tree, installed wheel, or PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundle:
        candidates.append(Path(bundle) / "resources")
    here = Path(__file__).resolve().parent
    candidates.append(here / "resources")
    for candidate in candidates:
        if (candidate / "demo_catalog.csv").exists():
            return candidate
    return candidates[-1]


def icon_path() -> Path:
    return resources_dir() / "icons" / "pos.png"
