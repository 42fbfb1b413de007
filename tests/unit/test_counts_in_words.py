"""No "(s)" plurals on screen: counts go through pos/ui/plural.py (issue 11 item 12).

A scan of the UI's source text, so a new "item(s)" or "{n} products" shows up here
before a clerk reads "1 products".
"""

import re
from pathlib import Path

import pos.ui

UI = Path(pos.ui.__file__).parent
# "{count} products" / "{len(x)} rows": a count put straight before a plural noun
BARE_COUNT = re.compile(
    r"\{(?:len\([^}]*\)|[a-z_.]*(?:count|rows|total|n))(?::[^}]*)?\}\+? "
    r"(?:products|items|carts|open carts|rows|lines|units|orders|users|customers|prices)\b"
)


def ui_sources() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_no_parenthesised_plurals_in_the_ui():
    found = [
        f"{path.relative_to(UI)}:{n}"
        for path in ui_sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[a-z]\(s\)", line)
    ]
    assert found == []


def test_no_count_put_before_a_fixed_plural():
    found = [
        f"{path.relative_to(UI)}:{n}: {line.strip()}"
        for path in ui_sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_COUNT.search(line)
    ]
    assert found == []
