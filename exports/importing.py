"""Importing many files: collect them, preview each, apply each in its own transaction.

Shared by the command line (``python main.py import``) and the window's import
dialog. Worker functions: they run on whatever thread owns ``store``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from exports.reading import ReadError, read_file
from forms import FORMS
from forms.progress import Progress, check
from storage.merge import ImportPlan, MergeError, apply, preview
from storage.store import Store

SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}


@dataclass
class FilePreview:
    path: Path
    plan: ImportPlan | None = None
    error: str = ""  # Chinese sentence when the file could not be read


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


def preview_files(store: Store, files: list[Path], progress: Progress | None = None) -> list[FilePreview]:
    out: list[FilePreview] = []
    for n, path in enumerate(files):
        check(progress)
        if progress:
            progress.update(n, len(files), f"正在读取“{path.name}”（{n + 1}/{len(files)}）……")
        try:
            result = read_file(path, choices=store.choices)
            out.append(FilePreview(path, plan=preview(store, result)))
        except (ReadError, MergeError) as exc:
            out.append(FilePreview(path, error=str(exc)))
    if progress:
        progress.update(len(files), len(files), "预览完成")
    return out


def apply_previews(store: Store, previews: list[FilePreview], decisions: dict[str, dict[str, str]] | None = None,
                   default: str = "keep_mine", progress: Progress | None = None) -> list[str]:
    """Import every readable file; ``decisions`` is {file path: {row key: decision}}.
    Returns one Chinese summary line per file."""
    lines: list[str] = []
    todo = [p for p in previews if p.plan is not None]
    for n, item in enumerate(todo):
        check(progress)
        if progress:
            progress.update(n, len(todo), f"正在导入“{item.path.name}”（{n + 1}/{len(todo)}）……")
        assert item.plan is not None
        summary = apply(store, item.plan, (decisions or {}).get(str(item.path)), default=default)
        lines.append(summary.text)
    return lines


def describe(preview_item: FilePreview, limit: int = 20) -> list[str]:
    """Lines a person reads about one file's preview."""
    plan = preview_item.plan
    if plan is None:
        return [preview_item.error]
    form = FORMS[plan.form_id]
    labels = {f.key: f.label for f in form.fields}
    where_from = plan.unit or "（未写填报单位）"
    lines = [f"{'需求清单' if plan.form_id == 'needs' else '优秀案例'}，填报单位：{where_from}",
             plan.counts_text]
    lines += [f"提示：{w}" for w in plan.warnings]
    for item in plan.items_with("invalid")[:limit]:
        lines.append(f"无效：{item.reason}")  # the reason starts with the position
    for item in plan.items_with("conflict")[:limit]:
        diffs = "；".join(f"{d.label}：本地“{d.local or ''}” / 导入“{d.incoming or ''}”" for d in item.diffs[:4])
        lines.append(f"冲突：{item.row.where()}：{item.reason} {diffs}".rstrip())
    for item in plan.items_with("changed")[:limit]:
        diffs = "；".join(f"{d.label}：“{d.local or ''}” → “{d.incoming or ''}”" for d in item.diffs[:4])
        lines.append(f"更新：{item.row.where()}：{diffs}")
    drafts = [line for item in plan.items if item.status in ("new", "changed") for line in item.problem_lines(labels)]
    for line in drafts[:limit]:
        lines.append(f"待补：{line}")
    for hint in plan.duplicates[:limit]:
        lines.append(f"疑似重复：{hint.where}“{hint.subject_name}”（{hint.unit}）与“{hint.other_subject}”"
                     f"（{hint.other_unit}）：{hint.reason}")
    return lines


def run_import(store: Store, paths: list[Path], dry_run: bool = False) -> int:
    """The command line: preview (and unless ``dry_run`` import) every file, report, exit code.

    Conflicts keep the local version and are reported. Exits 1 when any file
    could not be read, naming it; the readable files are still imported.
    """
    files, missing = collect_files(paths)
    for message in missing:
        print(message, file=sys.stderr)
    previews = preview_files(store, files)
    failed = 0
    for n, item in enumerate(previews, 1):
        print(f"[{n}/{len(previews)}] {item.path.name}")
        if item.plan is None:
            failed += 1
            print(f"  无法导入：{item.error}", file=sys.stderr)
            continue
        for line in describe(item):
            print(f"  {line}")
        if dry_run:
            print("  （预览，没有写入数据库）")
        else:
            summary = apply(store, item.plan, default="keep_mine")
            print(f"  {summary.text}")
            if summary.kept:
                print(f"  冲突 {summary.kept} 条保留了本地版本；如需采用导入的版本，请在窗口中导入并逐条选择。")
    if not files:
        print("没有可导入的文件。", file=sys.stderr)
        return 1
    return 1 if failed or missing else 0
