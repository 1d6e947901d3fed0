"""Chinese fonts for the PDF exports, embedded so a printout looks the same on any PC.

Official documents use 仿宋/宋体 for the body, 黑体 for headings and 方正小标宋 for the
title (GB/T 9704). Those fonts are on most Windows PCs but may not be redistributed,
so they are used when the system has them and the fonts the app ships
(``resources/fonts``) stand in otherwise.

reportlab can only embed TrueType-outline fonts (``.ttf``, or ``.ttc`` with a
``subfontIndex``); a CFF-based ``.otf`` (Noto/Source Han CJK) raises on load or
draws nothing, so such files are never candidates.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reportlab is imported when a PDF is made, not when the window starts
    from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
SHIPPED_SERIF = SHIPPED_DIR / "uming.ttc"  # AR PL UMing: 宋体-like Ming, the body stand-in
SHIPPED_SANS = SHIPPED_DIR / "wqy-microhei.ttc"  # WenQuanYi Micro Hei: 黑体-like, headings

# Internal reportlab names; the PDF itself shows the font's own PostScript name.
BODY = "WLX-Body"
HEADING = "WLX-Heading"
TITLE = "WLX-Title"

# Candidate system files per role, best first, matched case-insensitively by file
# name. Each is (file name, subfont index inside a .ttc).
_SYSTEM_CANDIDATES: dict[str, tuple[tuple[str, int], ...]] = {
    "body": (("simfang.ttf", 0), ("fangsong_gb2312.ttf", 0), ("仿宋_gb2312.ttf", 0),
             ("simsun.ttc", 0), ("simsun.ttf", 0)),
    "heading": (("simhei.ttf", 0),),
    "title": (("fzxbsjw.ttf", 0), ("方正小标宋简体.ttf", 0),
              ("fzxiaobiaosong-b05s.ttf", 0), ("方正小标宋_gbk.ttf", 0), ("fzxbsk.ttf", 0)),
}


@dataclass(frozen=True)
class FontSet:
    """reportlab font names for each role, and the file each one came from."""

    body: str
    heading: str
    title: str
    files: dict[str, Path] = field(default_factory=dict, compare=False)

    @property
    def uses_system_fonts(self) -> bool:
        return any(p.parent != SHIPPED_DIR for p in self.files.values())


def system_font_dirs() -> list[Path]:
    """Folders where an office PC keeps its fonts, most likely first."""
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    elif os.name == "nt":
        dirs.append(Path("C:/Windows/Fonts"))
    local = os.environ.get("LOCALAPPDATA")
    if local:  # fonts installed "for this user only" (Windows 10 1809+)
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
             home / ".local" / "share" / "fonts", Path("/Library/Fonts"), home / "Library" / "Fonts"]
    return dirs


def index_font_files(dirs: list[Path]) -> dict[str, Path]:
    """Lower-cased file name -> first path found, searching sub-folders too.

    Linux keeps fonts in nested folders (``/usr/share/fonts/truetype/...``); the
    first folder in ``dirs`` wins when two hold the same file name.
    """
    found: dict[str, Path] = {}
    for base in dirs:
        if not base.is_dir():
            continue
        for root, _subdirs, files in os.walk(base):
            for name in files:
                found.setdefault(name.lower(), Path(root) / name)
    return found


def _load(path: Path, index: int, name: str) -> TTFont | None:
    """A registered-able TTFont, or None when the file is unusable (CFF, restricted, damaged)."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        return TTFont(name, str(path), subfontIndex=index)
    except Exception as exc:  # TTFError, OSError, struct errors from damaged files
        log.info("font %s not usable for PDF: %s", path, exc)
        return None


def choose_fonts(search_dirs: list[Path] | None = None) -> dict[str, tuple[TTFont, Path]]:
    """Pick and load one font per role: system official fonts first, then the shipped ones."""
    index = index_font_files(system_font_dirs() if search_dirs is None else search_dirs)
    chosen: dict[str, tuple[TTFont, Path]] = {}
    names = {"body": BODY, "heading": HEADING, "title": TITLE}
    for role, candidates in _SYSTEM_CANDIDATES.items():
        for file_name, sub in candidates:
            path = index.get(file_name.lower())
            font = _load(path, sub, names[role]) if path else None
            if font is not None:
                chosen[role] = (font, path)
                break
    for role, path in (("body", SHIPPED_SERIF), ("heading", SHIPPED_SANS)):
        if role not in chosen:
            font = _load(path, 0, names[role])
            if font is None:
                raise RuntimeError(f"随软件提供的字体文件缺失或已损坏：{path}。请重新安装万里行填报助手。")
            chosen[role] = (font, path)
    return chosen


_lock = threading.Lock()
_fontset: FontSet | None = None


def register_fonts() -> FontSet:
    """Register the PDF fonts with reportlab once per process and return their names.

    Safe to call from any thread and any number of times (exports call it each
    time); the first call searches the system font folders.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    global _fontset
    with _lock:
        if _fontset is not None:
            return _fontset
        chosen = choose_fonts()
        for font, _path in chosen.values():
            pdfmetrics.registerFont(font)
        title = TITLE if "title" in chosen else HEADING
        # Map bold/italic of the body family onto real fonts, so a stray <b> in
        # markup draws in 黑体 instead of falling back to (non-embedded) Helvetica.
        for bold, italic, face in ((0, 0, BODY), (1, 0, HEADING), (0, 1, BODY), (1, 1, HEADING)):
            addMapping(BODY, bold, italic, face)
        for bold, italic in ((0, 0), (1, 0), (0, 1), (1, 1)):
            addMapping(HEADING, bold, italic, HEADING)
        if title != HEADING:
            for bold, italic in ((0, 0), (1, 0), (0, 1), (1, 1)):
                addMapping(TITLE, bold, italic, TITLE)
        files = {role: path for role, (_font, path) in chosen.items()}
        _fontset = FontSet(body=BODY, heading=HEADING, title=title, files=files)
        log.info("PDF fonts: %s", {role: str(p) for role, p in files.items()})
        return _fontset


def qt_font_files() -> list[Path]:
    """The shipped font files the window may need: only the sans face it draws its text in.

    The Ming face (21 MB) is for PDFs only; Qt never needs it.
    """
    return [p for p in (SHIPPED_SANS,) if p.is_file()]
