"""pyproject.toml bounds every dependency above, and constraints.txt (what CI installs) pins each
of them to a version inside those bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[_norm(name)] = version
    return pins


def test_every_dependency_has_a_lower_and_an_upper_bound():
    for req in _requirements():
        operators = {spec.operator for spec in req.specifier}
        assert ">=" in operators and "<" in operators, f"{req}: give it >=low,<next-major"


def test_constraints_pin_every_dependency_within_its_bounds():
    pins = _pins()
    for req in _requirements():
        assert _norm(req.name) in pins, f"constraints.txt lacks {req.name}"
        assert req.specifier.contains(pins[_norm(req.name)]), f"{req.name}=={pins[_norm(req.name)]} is outside {req}"
    assert "pip" not in pins and "wanlixing" not in pins
