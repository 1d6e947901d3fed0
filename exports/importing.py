"""Importing many files through one pipeline: read each, plan it against the state the files
before it leave, and (unless previewing) write it in its own transaction.

The window's import dialog and the command line both go through here, so a
preview shows what the import will really do, a folder import ends exactly where
importing its files one at a time ends, and a rerun after a crash converges
(each file is one transaction; the files already written are found identical).

Reading and parsing a folder of files uses the machine's cores: a pool of processes
reads the files, the results come back in file order, and planning and writing stay
in this process, file after file, so the database ends exactly as a one-process import
leaves it (tests/storage/test_import_pool.py). Only a few files are read ahead, so
memory does not grow with the number of files.

A preview (the window's import dialog) must stay open until the officer presses 导入, so
it keeps only what the dialog shows of each file (storage.merge_plan.PlanView) and puts
what was read aside on disk (Kept, storage/spill.py); unticking a file plans the others
again from there, and the import writes exactly those bytes, saying so when a file
changed on disk in between.

Worker functions: they run on whatever thread owns ``store``.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import hashlib
import itertools
import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import sqlite3
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from exports.reading import ReadError, formats, read_file
from forms.incoming import ReadResult
from forms.progress import Progress, check
from forms.reference import ChoiceLists
from storage.merge import BatchSummary, ImportPlan, MergeError, MergeSession, PlanView
from storage.merge_apply import apply_plan
from storage.merge_prepare import prepare
from storage.spill import Spill, SpillError, pack, unpack
from storage.store import Store

# What a folder import picks up: every spreadsheet kind the reader reads or refuses with a reason
# (.xlsb, .numbers). Plain .txt is read only when chosen by name: a folder's .txt is usually a note.
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".csv", ".tsv", ".xlsb", ".numbers"}


@dataclass(frozen=True)
class Kept:
    """What was read of one file at its preview, put aside on disk (storage.spill) until the
    officer unticks a file (the ticked ones are planned again) or presses 导入: the import
    writes exactly what was previewed, and the preview holds no rows in memory."""

    spill: Spill
    ref: int
    file_hash: str  # sha256 of the bytes that were read

    def result(self, store: Store, path: Path) -> ReadResult:
        """What was read. Should the spill be unreadable, the file is read again if its bytes
        are still those previewed; otherwise MergeError says what to do."""
        try:
            result = unpack(self.spill.get(self.ref))
            assert isinstance(result, ReadResult)
            return result
        except SpillError:
            log.warning("the previewed content of %s is lost; reading the file again", path, exc_info=True)
        if file_digest(path) == self.file_hash:
            try:
                return read_one(store, path)
            except ReadError as exc:
                raise MergeError(str(exc)) from exc
        raise MergeError(f"预览时读取的“{path.name}”已无法取回，而这个文件在预览之后被修改过或已移走。"
                         "请关闭预览，重新导入这个文件。")

    def changed(self, path: Path) -> bool:
        """Whether the file on disk no longer holds the bytes that were previewed."""
        return file_digest(path) != self.file_hash


@dataclass
class FilePreview:
    path: Path
    plan: PlanView | None = None  # what importing the file would do, as the preview shows it
    error: str = ""  # Chinese sentence when the file could not be read
    kept: Kept | None = None  # what was read, planned again when a file is unticked and when imported


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes, as the reader computes ``file_hash`` ("" when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


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
    return _read_with(store.choices, path, progress)


def _read_with(choices: ChoiceLists, path: Path, progress: Progress | None = None) -> ReadResult:
    result = read_file(path, choices=choices, progress=progress)
    result.saved_at = result.saved_at or saved_at(path)
    return result


Entry = tuple[Path, "ReadResult | None", str]  # a file, what was read (None: unreadable), the Chinese error

log = logging.getLogger(__name__)

# Below this many files the pool's start (a fresh interpreter per process, ~0.3 s) costs more
# than it saves; one big file is read in this process, where its progress and cancel are per row.
POOL_MIN_FILES = 8
READ_AHEAD = 3  # files read ahead per process: results wait in order, memory stays bounded
MAX_READERS = 2


def pool_size(files: int) -> int:
    """Processes to read ``files`` files with (1: read them here). WANLIXING_IMPORT_WORKERS overrides."""
    try:
        wanted = int(os.environ.get("WANLIXING_IMPORT_WORKERS", ""))
    except ValueError:
        wanted = 0
    if wanted:
        return max(1, min(wanted, files))
    if files < POOL_MIN_FILES:
        return 1
    # Two keep the one planning process busy (it does ~40 % of the work, alone); more would only
    # add ~60 MB each (national import: ~270 MB planning + 2 x ~60 MB reading, within 400 MB).
    return max(1, min(os.cpu_count() or 1, MAX_READERS))


def read_each(store: Store, files: list[Path], progress: Progress | None = None,
              workers: int | None = None) -> Iterator[Entry]:
    """Read the files in order, by a pool of ``workers`` processes when there are many
    (default :func:`pool_size`), else one at a time here. Only a few files' rows are held at once."""
    with contextlib.closing(_read_files(store.choices, files, progress, workers, packed=False)) as read:
        for path, result, error, _packed in read:
            yield path, result, error


Packed = tuple[Path, "ReadResult | None", str, "bytes | None"]  # an Entry and, if asked, the result packed


def _read_files(choices: ChoiceLists, files: list[Path], progress: Progress | None, workers: int | None,
                packed: bool) -> Iterator[Packed]:
    """read_each; with ``packed``, each result also as bytes for a Spill (packed by the
    reading process, beside the one that plans)."""
    workers = pool_size(len(files)) if workers is None else workers
    start = 0
    if workers > 1:
        pooled = _read_in_pool(choices, files, workers, progress, packed)
        try:
            for entry in pooled:
                start += 1
                yield entry
        except BrokenProcessPool:
            # A reading process died (killed, out of memory): read the rest here, as without a pool.
            log.warning("import reading pool broke after %d of %d files; reading the rest in-process",
                        start, len(files), exc_info=True)
        finally:
            pooled.close()
        if start == len(files):
            if progress:
                progress.update(len(files), len(files), "完成")
            return
    for n in range(start, len(files)):
        path = files[n]
        check(progress)
        if progress:
            progress.update(n, len(files), f"正在读取“{path.name}”（{n + 1}/{len(files)}）……")
        try:
            result = _read_with(choices, path)
        except ReadError as exc:
            yield path, None, str(exc), None
            continue
        yield path, result, "", pack(result, compress=True) if packed else None
    if progress:
        progress.update(len(files), len(files), "完成")


def _read_in_pool(choices: ChoiceLists, files: list[Path], workers: int,
                  progress: Progress | None, packed: bool = False) -> Iterator[Packed]:
    """Entries in file order, read by ``workers`` fresh processes (spawned: nothing of this
    process, its threads, Qt or the database connection, is copied into them)."""
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_reader, initargs=(choices, formats.remembered_passwords()))
    waiting: collections.deque[Future] = collections.deque()
    following = iter(files)
    try:
        for path in itertools.islice(following, workers * READ_AHEAD):
            waiting.append(pool.submit(_read_in_reader, path, packed))
        for n, path in enumerate(files):
            check(progress)
            if progress:
                progress.update(n, len(files), f"正在读取“{path.name}”（{n + 1}/{len(files)}）……")
            result, error, records = waiting.popleft().result()
            for level, text in records:
                log.log(level, "reading process: %s", text)
            nxt = next(following, None)
            if nxt is not None:
                waiting.append(pool.submit(_read_in_reader, nxt, packed))
            if isinstance(result, bytes):
                yield path, unpack(result), error, result  # type: ignore[misc]
            else:
                yield path, result, error, None
        pool.shutdown(wait=True)  # every file read: the processes are idle and end at once
    finally:
        # Cancelled or failed: files not started are dropped, the processes end after their current file.
        pool.shutdown(wait=False, cancel_futures=True)


# ---- inside a reading process -------------------------------------------------------------

_reader_choices: ChoiceLists | None = None


class _Collect(logging.Handler):
    """What the reading process logs, sent back with the file's result to the import's log."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append((record.levelno, text))


_collect = _Collect()


def _start_reader(choices: ChoiceLists, passwords: dict[str, str]) -> None:
    global _reader_choices
    _reader_choices = choices
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the import: it stops the pool
    # A pool's process holds its own task queue open, so it would wait forever once the import
    # is killed (kill -9, the task manager, a crash): it ends when the importing process does.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()
    formats.remember_passwords(passwords)
    root = logging.getLogger()
    root.handlers[:] = [_collect]
    root.setLevel(logging.INFO)


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _read_in_reader(path: Path, packed: bool = False) -> tuple[ReadResult | bytes | None, str, list[tuple[int, str]]]:
    _collect.records = []
    try:
        assert _reader_choices is not None
        # The rows are also prepared for planning here (storage.merge_prepare): that is most of
        # the per-row work, and here it runs beside the one process that plans and writes.
        result = prepare(_read_with(_reader_choices, path), _reader_choices)
        return (pack(result, compress=True) if packed else result), "", _collect.records
    except ReadError as exc:
        return None, str(exc), _collect.records


def preview_files(store: Store, files: list[Path], progress: Progress | None = None,
                  include_other_units: bool = False) -> list[FilePreview]:
    """What importing ``files`` in this order would do, each file planned against what the files
    before it would leave. Writes nothing. A unit that does not consolidate takes only its own
    records unless ``include_other_units``.

    A preview keeps what it shows (PlanView) in memory and what was read on disk (Kept), so a
    national folder is previewed in a few hundred MB; the temporary file goes with the previews."""
    session = MergeSession(store, include_other_units)
    spill = Spill()
    out: list[FilePreview] = []
    try:
        with contextlib.closing(_read_files(store.choices, files, progress, None, packed=True)) as read:
            for path, result, error, blob in read:
                if result is None or blob is None:
                    out.append(FilePreview(path, error=error))
                    continue
                plan = session.plan(result).view()
                out.append(FilePreview(path, plan=plan, kept=Kept(spill, spill.put(blob), result.file_hash)))
    finally:
        session.close()
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
    try:
        for n, item in enumerate(previews):
            check(progress)
            if progress:
                progress.update(n, len(previews), f"正在重新比对“{item.path.name}”（{n + 1}/{len(previews)}）……")
            if item.kept is None:
                out.append(item)
                continue
            plan = session.plan(item.kept.result(store, item.path), simulate=False)
            apply_plan(store, plan, session.state(plan.form_id), (decisions or {}).get(str(item.path)), simulate=True)
            out.append(FilePreview(item.path, plan=plan.view(), kept=item.kept))
    finally:
        session.close()
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
    with _commits_without_fsync(store), contextlib.closing(_Closable(entries)):
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


class _Closable:
    """Closes a generator of entries when the import stops early (a failure, a cancel), so a
    reading pool behind it ends now rather than when the exception is dropped."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = entries

    def close(self) -> None:
        close = getattr(self.entries, "close", None)
        if close is not None:
            close()


@contextlib.contextmanager
def _commits_without_fsync(store: Store) -> Iterator[None]:
    """Each file still commits on its own, but without waiting for the disk (WAL with
    synchronous=NORMAL: a power cut can lose the last files, never leave half of one, and a
    rerun imports them again); at the end everything is synced once and FULL restored.
    A 3,000-file import otherwise waits for 3,000 fsyncs."""
    conn = store.db.conn
    mode = conn.execute("pragma journal_mode").fetchone()[0]
    before = conn.execute("pragma synchronous").fetchone()[0]
    if str(mode).lower() != "wal" or before < 2:
        yield
        return
    conn.execute("pragma synchronous = NORMAL")
    try:
        yield
    finally:
        conn.execute(f"pragma synchronous = {before}")
        if not conn.in_transaction:
            try:
                conn.execute("pragma wal_checkpoint(PASSIVE)")  # syncs the log before copying it
            except sqlite3.Error:
                log.warning("checkpoint after the import failed", exc_info=True)


def apply_previews(store: Store, previews: list[FilePreview], decisions: Mapping[str, Mapping[str, str]] | None = None,
                   default: str = "keep_mine", progress: Progress | None = None,
                   include_other_units: bool = False) -> list[str]:
    """Import every readable file of a preview, as previewed: what was read then, planned in the
    same order. Returns Chinese lines: one summary per file, and before it a warning when the
    file changed on disk after the preview (its previewed content is what is imported)."""
    readable = [p for p in previews if p.kept is not None]
    lines: list[str] = []

    def entries() -> Iterator[Entry]:
        for p in readable:
            assert p.kept is not None
            try:
                result = p.kept.result(store, p.path)
            except MergeError as exc:
                yield p.path, None, str(exc)
                continue
            if p.kept.changed(p.path):
                log.warning("%s changed on disk after its preview; importing the previewed content", p.path)
                lines.append(f"注意：“{p.path.name}”在预览之后被修改过或已移走，导入的是预览时看到的内容；"
                             "如需导入修改后的内容，请再导入一次这个文件。")
            yield p.path, result, ""

    def on_file(path: Path, plan: ImportPlan | None, summary: BatchSummary | None, error: str) -> None:
        lines.append(summary.text if summary is not None else error)

    import_entries(store, entries(), decisions, default, progress, len(readable), on_file=on_file,
                   include_other_units=include_other_units)
    return lines
