"""wanlixing.spec (the PyInstaller build) without running PyInstaller.

The real proof is .ci/build_smoke.sh, which builds the folder and uses it; these tests
catch a spec that no longer names what the app reads, or strips what it needs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from exports import fonts
from forms import reference
from ui.about_dialog import LIBRARIES

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "wanlixing.spec"
TREE = ast.parse(SPEC.read_text(encoding="utf-8"))


def spec_namespace() -> dict:
    """The spec's constants and helper functions, run without PyInstaller."""
    wanted = {"EXCLUDES", "QT_LIBS_KEPT", "QT_PLUGINS_KEPT", "QT_LIB", "QT_TRANSLATIONS_KEPT", "DROPPED_FILES",
              "LIBRARY_DISTRIBUTIONS", "stem", "keep"}
    body = []
    for node in TREE.body:
        targets = ([t.id for t in node.targets if isinstance(t, ast.Name)] if isinstance(node, ast.Assign)
                   else [node.target.id] if isinstance(node, ast.AnnAssign) else
                   [node.name] if isinstance(node, ast.FunctionDef) else [])
        if wanted.intersection(targets):
            body.append(node)
    ns: dict = {"re": re, "Path": Path}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(SPEC), "exec"), ns)
    return ns


NS = spec_namespace()
keep = NS["keep"]


def programs() -> dict[str, bool]:
    """name -> console flag of every program(name, console=...) call."""
    found = {}
    for node in ast.walk(TREE):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "program":
            console = next(k.value.value for k in node.keywords if k.arg == "console")
            found[node.args[0].value] = console
    return found


def test_two_programs_from_one_spec():
    assert programs() == {"wanlixing": False, "wanlixing-cli": True}


def test_bundles_the_folders_the_code_reads():
    text = SPEC.read_text(encoding="utf-8")
    for folder in (fonts.SHIPPED_DIR, reference.REFERENCE_DIR):
        rel = folder.relative_to(ROOT).as_posix()
        assert f'(str(ROOT / "{rel.split("/")[0]}" / "{rel.split("/")[1]}"), "{rel}")' in text
    # The code finds them as <package>/../resources, which frozen is sys._MEIPASS/resources.
    assert fonts.SHIPPED_DIR == ROOT / "resources" / "fonts" and (fonts.SHIPPED_SERIF).is_file()
    assert (reference.REFERENCE_DIR / "choices.json").is_file() and (reference.REFERENCE_DIR / "regions.csv").is_file()
    assert 'copy_metadata("wanlixing")' in text


def test_about_box_libraries_ship_their_metadata():
    shown = {dist for _name, dist, _licence in LIBRARIES if dist}
    assert shown == set(NS["LIBRARY_DISTRIBUTIONS"])


@pytest.mark.parametrize("dest, kept", [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/translations/qtbase_ja.qm", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ("PySide6/Qt6Widgets.dll", True),
    ("PySide6/Qt6Network.dll", False),
    ("PySide6/Qt6PrintSupport.dll", True),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("pypdfium2_raw/pdfium.dll", True),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/plugins/platforms/qoffscreen.dll", True),
    ("PySide6/plugins/platforms/qdirect2d.dll", False),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/opengl32sw.dll", False),
    ("resources/fonts/uming.ttc", True),
    ("libpython3.11.so.1.0", True),
])
def test_stripping_rules(dest, kept):
    assert keep(dest) is kept


def test_unused_python_packages_are_excluded():
    excludes = set(NS["EXCLUDES"])
    assert {"numpy", "tkinter", "pytest", "PySide6.QtNetwork", "PySide6.QtQml"} <= excludes
    assert not excludes & {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PIL", "sqlite3"}
