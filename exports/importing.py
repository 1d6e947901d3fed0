"""Importing many files through one pipeline: read each, plan it against the state the files
before it leave, and (unless previewing) write it in its own transaction.

The window's import dialog and the command line both go through here, so a
preview shows what the import will really do, a folder import ends exactly where
importing its files one at a time ends, and a rerun after a crash converges
(each file is one transaction; the files already written are found identical).

Worker functions: they run on whatever thread owns ``store``.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from exports.reading import ReadError, read_file
from forms.incoming import ReadResult
from forms.progress import Progress, check
from storage.merge import BatchSummary, ImportPlan, MergeSession
from storage.merge_apply import apply_plan
from storage.store import Store

# What a folder import picks up: every spreadsheet kind the reader reads or refuses with a reason
# (.xlsb, .numbers). Plain .txt is read only when chosen by name: a folder's .txt is usually a note.
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".csv", ".tsv", ".xlsb", ".numbers"}


@dataclass
class FilePreview:
    path: Path
    plan: ImportPlan | None = None
    error: str = ""  # Chinese sentence when the file could not be read
    result: ReadResult | None = None  # what was read, planned again when the import is applied


def collect_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to import from files and folders (folders: every spreadsheet inside, sorted).

    Office lock files (``~$名单.xlsx``) and our own temporary files are skipped.
    Returns (files, Chinese messages about paths that do not exist).
    """
    files: list[Path] = []
    missing: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not p.name.startswith(("~$", ".~")))
            if not found:
                missing.append(f"文件夹“{path}”中没有 Excel 或 CSV 文件。")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            missing.append(f"找不到“{path}”。")
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, missing


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]{10,40})</dcterms:modified>")


def saved_at(path: Path) -> str:
    """When the file was last saved, as an ISO time: the workbook's own record (Excel, WPS and
    LibreOffice write it on every save, and e-mail does not change it), else the file system's."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size <= 64 * 1024:
                found = _MODIFIED.search(zf.read(info))
                if found:
                    text = found.group(1).decode("ascii", "replace").strip()
                    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
                    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        pass
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).isoformat()
    except OSError:
        return ""


def read_one(store: Store, path: Path, progress: Progress | None = None) -> ReadResult:
    """Read one file with this database's choice lists. Raises ReadError."""
    result = read_file(path, choices=store.choices, progress=progress)
    result.saved_at = result.saved_at or saved_at(path)
    return result


Entry = tuple[Path, "ReadResult | None", str]  # a file, what was read (None: unreadable), the Chinese error


def read_each(store: Store, files: list[Path], progress: Progress | None = None) -> Iterator[Entry]:
    """Read the files one at a time, in order (only one file's rows are held at once)."""
    for n, path in enumerate(files):
        check(progress)
        if progress:
            progress.update(n, len(files), f"正在读取“{path.name}”（{n + 1}/{len(files)}）……")
        try:
            yield path, read_one(store, path), ""
        except ReadError as exc:
            yield path, None, str(exc)
    if progress:
        progress.update(len(files), len(files), "完成")


def preview_files(store: Store, files: list[Path], progress: Progress | None = None,
                  include_other_units: bool = False) -> list[FilePreview]:
    """What importing ``files`` in this order would do, each file planned against what the files
    before it would leave. Writes nothing. A unit that does not consolidate takes only its own
    records unless ``include_other_units``."""
    session = MergeSession(store, include_other_units)
    out: list[FilePreview] = []
    for path, result, error in read_each(store, files, progress):
        if result is None:
            out.append(FilePreview(path, error=error))
        else:
            out.append(FilePreview(path, plan=session.plan(result), result=result))
    return out


def replan_previews(store: Store, previews: list[FilePreview],
                    decisions: Mapping[str, Mapping[str, str]] | None = None, progress: Progress | None = None,
                    include_other_units: bool = False) -> list[FilePreview]:
    """Plan again files already read (the preview's file list or its decisions changed),
    without reading them again: in order, against one state, each readable file's conflicts
    simulated with its ``decisions`` ({file path: {row key: decision}}), so every later file
    is planned against what the earlier ones will really leave. Writes nothing; unreadable
    files come back as they were."""
    session = MergeSession(store, include_other_units)
    out: list[FilePreview] = []
    for n, item in enumerate(previews):
        check(progress)
        if progress:
            progress.update(n, len(previews), f"正在重新比对“{item.path.name}”（{n + 1}/{len(previews)}）……")
        if item.result is None:
            out.append(item)
            continue
        plan = session.plan(item.result, simulate=False)
        apply_plan(store, plan, session.state(plan.form_id), (decisions or {}).get(str(item.path)), simulate=True)
        out.append(FilePreview(item.path, plan=plan, result=item.result))
    return out


def import_entries(store: Store, entries: Iterable[Entry], decisions: Mapping[str, Mapping[str, str]] | None = None,
                   default: str = "keep_mine", progress: Progress | None = None, total: int = 0,
                   on_file: Callable[[Path, ImportPlan | None, BatchSummary | None, str], None] | None = None,
                   include_other_units: bool = False) -> list[BatchSummary]:
    """Import files in order: each planned against the database as the files before it left it,
    then written in its own transaction. ``decisions`` is {file path: {row key: decision}};
    conflicts without one keep ``default``. ``on_file(path, plan, summary, error)`` is told each
    file's outcome (the command line prints it)."""
    session = MergeSession(store, include_other_units)
    summaries: list[BatchSummary] = []
    for n, (path, result, error) in enumerate(entries):
        check(progress)
        if progress:
            progress.update(n, total, f"正在导入“{path.name}”（{n + 1}/{total}）……")
        if result is None:
            if on_file:
                on_file(path, None, None, error)
            continue
        plan = session.plan(result, simulate=False)
        summary = session.apply(plan, (decisions or {}).get(str(path)), default=default)
        summaries.append(summary)
        if on_file:
            on_file(path, plan, summary, "")
    return summaries


def apply_previews(store: Store, previews: list[FilePreview], decisions: Mapping[str, Mapping[str, str]] | None = None,
                   default: str = "keep_mine", progress: Progress | None = None,
                   include_other_units: bool = False) -> list[str]:
    """Import every readable file of a preview; returns one Chinese summary line per file."""
    readable = [(p.path, p.result, "") for p in previews if p.result is not None]
    summaries = import_entries(store, readable, decisions, default, progress, len(readable),
                               include_other_units=include_other_units)
    return [s.text for s in summaries]
