"""What the two forms are: fields, labels, choices and rules. Plain Python, no Qt."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from forms.cases import CASES
from forms.fields import Field, Form, Kind
from forms.needs import NEEDS
from forms.profile import PROFILE

APP_NAME = "万里行填报助手"


@cache
def app_version() -> str:
    """The version, written only in pyproject.toml.

    Installed (pip, or the PyInstaller build, which ships the package metadata) it comes
    from the metadata; a source checkout that was never installed reads pyproject.toml.
    Read when first asked for (``forms.APP_VERSION`` too): importlib.metadata costs about
    20 ms of every start-up otherwise (issue 9).
    """
    import tomllib
    from importlib import metadata

    try:
        return metadata.version("wanlixing")
    except metadata.PackageNotFoundError:
        pass
    try:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0+unknown"




def __getattr__(name: str) -> str:
    if name == "APP_VERSION":
        return app_version()
    raise AttributeError(f"module 'forms' has no attribute {name!r}")


# The forms whose records the app keeps, one table each (named by the form's id), in the
# order the window, the reader and the merge go through them.
RECORD_FORMS = (NEEDS, CASES)
FORMS = {f.id: f for f in (*RECORD_FORMS, PROFILE)}

__all__ = ["APP_NAME", "APP_VERSION", "CASES", "FORMS", "NEEDS", "PROFILE", "RECORD_FORMS", "Field", "Form", "Kind"]
