"""Dependencies point one way: forms <- storage <- exports <- ui (main.py on top).

Read by parsing every module's import statements (including imports inside
functions), so a lazy import cannot slip a dependency past the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["forms", "storage", "exports", "ui"]  # each may import only itself and those before it


def imported_packages(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", LAYERS)
def test_package_imports_only_downward(package):
    allowed = set(LAYERS[: LAYERS.index(package) + 1])
    forbidden = (set(LAYERS) | {"main"}) - allowed
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_packages(path) & forbidden
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}, f"{package}/ imports a layer above it: {offenders}"


def test_the_rule_sees_lazy_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from exports.reading import read_file\n    import ui.qt\n", encoding="utf-8")
    assert imported_packages(probe) == {"exports", "ui"}
