"""CI installs pinned versions and checks formatting; the pins cover every dependency."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]).lower()


def test_constraints_pin_every_dependency_and_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in ("test", "dev"):
        wanted |= {_name(r) for r in project["optional-dependencies"][extra]}
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pinned[_name(name)] = version
    missing = wanted - set(pinned)
    assert not missing, f"add to constraints.txt (pip freeze): {sorted(missing)}"
    assert "pos" not in pinned


def test_ci_installs_with_the_constraints_and_checks_the_format():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-c constraints.txt" in ci
    assert 'ruff" format --check .' in ci
    assert "xvfb xdotool" in ci


def test_ci_type_checks_the_whole_package():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '"$venv/bin/mypy" pos  #' in ci


def _layout_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Layout", 1)[1].split("\n## ", 1)[0]


def test_readme_layout_names_every_package_folder():
    layout = _layout_section()
    packages = [
        p.parent.relative_to(ROOT).as_posix()
        for p in (*ROOT.glob("pos/*/__init__.py"), *ROOT.glob("pos/services/*/__init__.py"))
    ]
    missing = [
        f"{p}/"
        for p in packages
        if f"`{p}/`" not in layout and p not in ("pos/services", "pos/migrations")
    ]
    assert not missing, f"README's Layout section does not mention {missing}"


def test_readme_layout_names_only_what_exists():
    named = re.findall(r"`((?:pos|tests|bench|packaging|tools|docs)/[\w/.]*)`", _layout_section())
    assert named
    gone = [n for n in named if not (ROOT / n).exists()]
    assert not gone, f"README's Layout section names what is not there: {gone}"
