"""万里行填报助手 — entry point.

No sub-command opens the window; sub-commands run headless:
    python main.py [--db FILE]
    python main.py sample --db FILE [--needs N] [--cases M] [--seed S]
    python main.py export needs|cases --db FILE --out FILE.xlsx|FILE.pdf [--consolidated] [--id UUID ...]
    python main.py template needs|cases --out FILE.xlsx [--year YYYY]
    python main.py import PATH... --db FILE [--dry-run] [--password PASSWORD]
    python main.py backup --db FILE [--out FILE]
    python main.py restore --db FILE --from BACKUP
    python main.py backups --db FILE
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path

from cli_text import ChineseArgumentParser, integer
from forms import APP_NAME, FORMS, app_version
from forms.fields import Layout

log = logging.getLogger("wanlixing")
# How the officer started the program, for usage lines: the PyInstaller build is its own program.
PROG = "wanlixing-cli" if getattr(sys, "frozen", False) else "python main.py"


class UserError(Exception):
    """A problem to report as one Chinese sentence, without a traceback."""


def log_file() -> Path:
    import platformdirs

    folder = Path(platformdirs.user_log_dir("wanlixing", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "wanlixing.log"


def setup_logging() -> Path | None:
    try:
        path = log_file()
        logging.basicConfig(
            filename=path, level=logging.INFO, encoding="utf-8",
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        return path
    except OSError:
        return None



class _VersionAction(argparse.Action):
    """--version: the version is read only when asked for (see forms.app_version)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help or "显示版本号并退出")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{APP_NAME} {app_version()}")
        parser.exit()

def build_parser() -> argparse.ArgumentParser:
    db_help = "数据库文件（默认在用户数据目录中）"
    p = ChineseArgumentParser(prog=PROG, description=f"{APP_NAME}：需求清单与优秀案例推荐表的填报、导出与汇总")
    p.add_argument("--db", metavar="文件", help=db_help)
    p.add_argument("--version", action=_VersionAction)
    sub = p.add_subparsers(dest="command", parser_class=ChineseArgumentParser, title="子命令", metavar="子命令",
                           help="不给子命令时打开窗口；各子命令的用法见 %(prog)s 子命令 --help")

    def with_db(sp: argparse.ArgumentParser) -> None:
        # SUPPRESS: a --db given before the sub-command is not overwritten by None.
        sp.add_argument("--db", default=argparse.SUPPRESS, metavar="文件", help=db_help)

    sp = sub.add_parser("sample", help="填入示例数据（明显为虚构）")
    with_db(sp)
    sp.add_argument("--needs", type=integer, metavar="条数", default=200, help="需求条数（默认 200）")
    sp.add_argument("--cases", type=integer, metavar="个数", default=3, help="案例个数（默认 3）")
    sp.add_argument("--seed", type=integer, metavar="种子", default=2023, help="随机种子，相同种子生成相同数据")

    sp = sub.add_parser("export", help="导出 Excel 或 PDF")
    with_db(sp)
    sp.add_argument("form", choices=["needs", "cases", "feedback", "progress"], metavar="表格",
                    help="needs、cases、feedback 或 progress：needs=需求清单，cases=优秀案例，"
                         "feedback=按填报单位导出对接反馈（每个单位一个文件），"
                         "progress=需求办理进展（每项需求的办理状态与对接反馈，用于年度书面总结）")
    sp.add_argument("--out", required=True, metavar="文件", help="输出文件，扩展名 .xlsx 或 .pdf；导出反馈时为输出文件夹")
    sp.add_argument("--level", metavar="层级", help="只导出这个协调层级的需求，如 需国家知识产权局协调、国家局、省局")
    sp.add_argument("--city", metavar="设区市", help="只导出这个设区市的需求，如 福州市")
    sp.add_argument("--district", metavar="县区", help="只导出这个县（市、区）的需求，如 鼓楼区")
    sp.add_argument("--status", metavar="状态", help="只导出这个办理状态的需求，如 已匹配资源")
    sp.add_argument("--unit", dest="units", action="append", metavar="单位",
                    help="导出反馈时只导出这个填报单位（单位名称或地区，如 福州市鼓楼区；可重复）")
    sp.add_argument("--consolidated", action="store_true", help="按地区汇总导出（需求清单）")
    sp.add_argument("--id", dest="ids", action="append", metavar="编号", help="只导出这些案例（可重复）")

    sp = sub.add_parser("template", help="生成空白模板")
    sp.add_argument("form", choices=["needs", "cases"], metavar="表格", help="needs 或 cases：needs=需求清单，cases=优秀案例")
    sp.add_argument("--out", required=True, metavar="文件", help="输出的 .xlsx 文件")
    sp.add_argument("--year", type=integer, metavar="年度", help="活动年度，如 2024")

    sp = sub.add_parser("import", help="导入同事的 Excel 文件或文件夹")
    with_db(sp)
    sp.add_argument("paths", nargs="+", metavar="路径", help="文件或文件夹")
    sp.add_argument("--dry-run", action="store_true", help="只预览，不写入数据库")
    sp.add_argument("--include-other-units", action="store_true",
                    help="同时导入其他单位的需求（负责汇总的单位使用；县区默认只接收本单位的需求及其反馈）")
    sp.add_argument("--password", metavar="密码", help="设置了打开密码的文件的密码（用于本次导入的所有加密文件）")

    sp = sub.add_parser("backup", help="备份数据库（默认放在数据库旁的 backups 文件夹）")
    with_db(sp)
    sp.add_argument("--out", metavar="文件", help="备份到这个文件（可选）")

    sp = sub.add_parser("restore", help="用备份文件恢复数据库（先自动备份当前数据库）")
    with_db(sp)
    sp.add_argument("--from", dest="source", required=True, metavar="备份文件", help="备份文件")

    sp = sub.add_parser("backups", help="列出数据库的备份")
    with_db(sp)
    return p


def db_path(args: argparse.Namespace) -> Path:
    from storage import default_db_path

    return Path(args.db) if args.db else default_db_path()


def require_existing(path: Path) -> None:
    """Commands that only read never create a database (a mistyped --db must not look like an empty list)."""
    if not path.is_file():
        raise UserError(f"找不到数据库文件“{path}”。请检查 --db 后面的路径是否正确；"
                        "如果还没有数据，请先打开窗口填写，或用 sample 命令生成示例数据。")


def open_store(args: argparse.Namespace, create: bool = True):
    """Open the database; a command that may create it says so when it does."""
    from storage import Store

    path = db_path(args)
    if not create:
        require_existing(path)
        from storage.db import open_readonly
        from storage.errors import explain_readonly_database

        if explain_readonly_database(path):  # e.g. on a CD or a write-protected USB stick: reading is enough
            return Store(open_readonly(path), path)
    is_new = not path.is_file()
    store = Store.open(path)
    if is_new:
        print(f"已新建数据库文件：{path}")
    return store


def cmd_sample(args: argparse.Namespace) -> int:
    from storage.sample import fill

    if args.needs < 0 or args.cases < 0:
        raise UserError("需求条数和案例个数不能为负数。")
    store = open_store(args)
    fill(store, needs=args.needs, cases=args.cases, seed=args.seed)
    print(f"已在 {store.path} 生成示例数据：需求 {args.needs} 条，案例 {args.cases} 个。")
    return 0


def warn_before_export(store, form_id: str, ids, consolidated: bool) -> None:
    """The window's 导出前检查, as warnings on stderr: the export still goes ahead."""
    from exports.preflight import check

    report = check(store, form_id, ids=ids, consolidated=consolidated)
    if not report.ready:
        print("注意（仍会导出）：\n" + report.text(), file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    if args.form == "feedback":
        return cmd_export_feedback(args)
    if args.units:
        raise UserError("--unit 只用于导出反馈（export feedback）。")
    out = Path(args.out)
    ext = out.suffix.lower()
    if ext not in (".xlsx", ".pdf"):
        raise UserError(f"输出文件“{out}”的扩展名应为 .xlsx 或 .pdf。")
    store = open_store(args, create=False)
    report: dict = {}  # the progress report: the needs list with fewer columns and its own title
    if args.form == "progress":
        if args.consolidated:
            raise UserError("办理进展按本单位的需求导出，不能与 --consolidated 同用。")
        from exports.documents import PROGRESS_REPORT

        report = PROGRESS_REPORT
    form = FORMS["needs" if report else args.form]
    if form.layout is Layout.TABLE:  # a list: chosen by filters, may be consolidated
        if args.ids:
            raise UserError("--id 只用于导出案例。")
        warn_before_export(store, form.id, None, args.consolidated)
        ids = selected_needs(store, args)
    else:  # one form per record: chosen by id
        if any(getattr(args, k) for k in ("level", "city", "district", "status")):
            raise UserError("--level、--city、--district、--status 只用于导出需求清单。")
        if args.consolidated:
            raise UserError("--consolidated 只用于导出需求清单。")
        ids = args.ids
        if ids:
            missing = [i for i in ids if store.records(form.id).get(i) is None]
            if missing:
                raise UserError(f"找不到这些{form.noun}：{'、'.join(missing)}")
        warn_before_export(store, form.id, ids, False)
    from exports.documents import export_records

    n = export_records(store, form.id, ext, out, ids=ids, consolidated=args.consolidated, **report)
    print(f"已导出 {n} 项需求的办理进展：{out}" if report else f"已导出{form.count(n)}：{out}")
    return 0


def selected_needs(store, args: argparse.Namespace) -> list[str] | None:
    """Ids of the needs the filters select (None: no filter, every need). Choice values are
    read as the window reads them (国家局 → 需国家知识产权局协调)."""
    from forms import NEEDS
    from forms.validation import normalise

    filters: dict[str, object] = {}
    for key, field_key in (("level", "coord_level"), ("status", "status")):
        value = getattr(args, key)
        if value:
            f = NEEDS.field(field_key)
            canonical = normalise(f, value, store.choices)
            if canonical not in store.choices.values(f.choices):
                known = "、".join(store.choices.values(f.choices))
                raise UserError(f"“{value}”不是{f.label}的选项。可选：{known}。")
            filters[field_key] = canonical
    for key in ("city", "district"):
        if getattr(args, key):
            filters[key] = getattr(args, key)
    if not filters:
        return None
    ids = store.needs.ids(filters=filters)
    if not ids:
        raise UserError("没有符合筛选条件的需求，没有生成文件。请检查 --level、--city、--district、--status 的写法。")
    return ids


def cmd_export_feedback(args: argparse.Namespace) -> int:
    from exports.feedback import FeedbackError, export_feedback

    out = Path(args.out)
    if out.suffix.lower() in (".xlsx", ".pdf") or (out.exists() and not out.is_dir()):
        raise UserError(f"导出反馈时 --out 应为一个文件夹（每个填报单位一个文件），而“{out}”是文件名。")
    store = open_store(args)
    try:
        written = export_feedback(store, out, args.units)
    except FeedbackError as exc:
        raise UserError(str(exc)) from exc
    for unit, path in written:
        print(f"{unit.unit}：需求 {unit.needs} 条（有反馈 {unit.with_feedback} 条）→ {path}")
    print(f"已导出 {len(written)} 个单位的反馈文件到“{out}”。")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from exports.xlsx_templates import write_template

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"模板文件“{out}”的扩展名应为 .xlsx。")
    write_template(args.form, out, year=args.year)
    print(f"已生成空白模板：{out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import files one after another through the same pipeline as the window; print what each did.

    Conflicts keep the local version and are reported. Exits 1 when any file could not be
    read, naming it; the readable files are still imported.
    """
    from exports.import_report import describe
    from exports.importing import collect_files, import_entries, preview_files, read_each
    from storage import Store
    from storage.backup import auto_backup

    files, missing = collect_files([Path(p) for p in args.paths])
    for message in missing:
        print(message, file=sys.stderr)
    if not files:
        print("没有可导入的文件。", file=sys.stderr)
        return 1
    if args.password is not None:
        from exports.reading.formats import remember_password

        for path in files:  # read_file uses it for whichever of the files is locked
            remember_password(path, args.password)
    if args.dry_run and not db_path(args).is_file():
        # A preview writes nothing, so it creates nothing either: compare with an empty database.
        print(f"数据库文件“{db_path(args)}”还不存在：按空数据库预览，没有创建文件。")
        store = Store.open(":memory:")
    else:
        store = open_store(args)
        if not args.dry_run:
            auto_backup(db_path(args), "import")
    failed = 0
    seen = 0
    bar = _ImportBar(len(files))

    def report(path: Path, plan, summary, error: str) -> None:
        nonlocal failed, seen
        seen += 1
        bar.clear()
        print(f"[{seen}/{len(files)}] {path.name}")
        try:
            if plan is None:
                failed += 1
                print(f"  无法导入：{error}", file=sys.stderr)
                return
            for line in describe(plan):
                print(f"  {line}")
            if summary is None:
                print("  （预览，没有写入数据库）")
                return
            print(f"  {summary.text}")
            bar.added += summary.inserted
            if summary.kept:
                print(f"  冲突 {summary.kept} 条保留了本地版本；如需采用导入的版本，请在窗口中导入并逐条选择。")
        finally:
            bar.show(seen)

    try:
        if args.dry_run:
            for item in preview_files(store, files, include_other_units=args.include_other_units):
                report(item.path, item.plan, None, item.error)
        else:
            import_entries(store, read_each(store, files), on_file=report,
                           include_other_units=args.include_other_units)
    finally:
        bar.clear()
    return 1 if failed or missing else 0


class _ImportBar:
    """A progress line kept below the per-file report when the output is a terminal
    (redrawn in place); when it is a file or a pipe, only the report's plain lines."""

    def __init__(self, total: int, stream=None) -> None:
        import time

        self.stream = stream or sys.stdout
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = total
        self.added = 0
        self.clock = time.monotonic
        self.start = time.monotonic()
        self.shown = False

    def show(self, done: int) -> None:
        if not self.tty:
            return
        width = 30
        filled = width * done // max(self.total, 1)
        elapsed = int(self.clock() - self.start)
        self.stream.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done:,}/{self.total:,} 个文件 "
                          f"{100 * done // max(self.total, 1)}%  新增 {self.added:,} 条  已用 {elapsed // 60}:{elapsed % 60:02d}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def cmd_backup(args: argparse.Namespace) -> int:
    from storage.backup import copy_database, describe, take_backup

    path = db_path(args)
    require_existing(path)
    if args.out:
        out = Path(args.out)
        if out.exists() and out.resolve() == path.resolve():
            raise UserError("备份文件不能与数据库是同一个文件，请换一个文件名。")
        copy_database(path, out)
    else:
        out = take_backup(path, "manual")
    info = describe(out)
    print(f"已备份到：{out}（需求 {info.needs} 条，案例 {info.cases} 个）")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from storage.backup import check_restorable, restore

    path = db_path(args)
    info = check_restorable(Path(args.source))
    is_new = not path.is_file()
    before = restore(Path(args.source), path)
    if is_new:
        print(f"已新建数据库文件：{path}")
    if before:
        print(f"恢复前的数据库已备份到：{before}")
    print(f"已用“{args.source}”恢复数据库“{path}”：需求 {info.needs} 条，案例 {info.cases} 个。")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from storage.backup import backup_dir, describe, list_backups

    path = db_path(args)
    backups = list_backups(path)
    if not backups:
        print(f"数据库“{path}”还没有备份（备份文件夹：{backup_dir(path)}）。")
        return 0
    for b in backups:
        info = describe(b.path)
        held = info.error or f"需求 {info.needs} 条，案例 {info.cases} 个，{info.unit or '未设置填报单位'}"
        when = b.taken_at.strftime("%Y-%m-%d %H:%M:%S") if b.taken_at else ""
        print(f"{when}  {b.reason_label}  {held}\n    {b.path}")
    return 0


def start_up(args: argparse.Namespace) -> None:
    """Every start: remove temporary files a killed run left, then the daily backup (if any data)."""
    from storage import DatabaseError
    from storage.backup import auto_backup, clean_stale_temp_files

    path = db_path(args)
    try:
        clean_stale_temp_files(path)
    except OSError:
        log.warning("could not clean temporary files", exc_info=True)
    if args.command in ("sample", "export", "import", "backups"):
        try:
            auto_backup(path, "daily")
        except DatabaseError as exc:  # a missing backup does not stop the work; the officer is told
            print(f"提示：今天的自动备份没有完成。{exc}", file=sys.stderr)


def log_unraisable(unraisable) -> None:
    """Errors Python cannot raise (a file's __del__ on a full disk) go to the log, not to stderr in English."""
    log.warning("ignored error in %r: %r", unraisable.object, unraisable.exc_value)


def import_sqlite_utils_lean() -> None:
    """Import sqlite-utils without numpy and pandas.

    sqlite-utils imports both at import time when they are installed, only to
    accept their scalar types in inserts, which this app never passes. numpy
    alone costs 0.3–0.5 s of start-up (pandas about 1 s more). This relies on
    sqlite_utils.db's optional ``import_module("numpy")`` / ``("pandas")``;
    tests/test_main.py fails if a new sqlite-utils loads them anyway.
    """
    _import_without_numpy("sqlite_utils")


def _import_without_numpy(module: str) -> None:
    """Import ``module`` while numpy and pandas cannot be imported (see import_sqlite_utils_lean)."""
    if module in sys.modules:
        return
    blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # makes "import name" raise ImportError
    try:
        __import__(module)
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def main(argv: list[str] | None = None) -> int:
    # Start-up makes many objects and frees few; the garbage collector would only walk them (about
    # 4 % of the window's start-up, issue 9). Off until the command starts or the window is shown
    # (ui.app.run hands it to ui.tasks, which owns when collection runs while the window is open).
    collecting = gc.isenabled()
    gc.disable()
    try:
        import_sqlite_utils_lean()
        args = build_parser().parse_args(argv)
    except BaseException:
        if collecting:
            gc.enable()
        raise
    if collecting and args.command is not None:
        gc.enable()
    log_path = setup_logging()
    sys.unraisablehook = log_unraisable
    commands = {"sample": cmd_sample, "export": cmd_export, "template": cmd_template, "import": cmd_import,
                "backup": cmd_backup, "restore": cmd_restore, "backups": cmd_backups}
    if args.command is None:
        from ui.app import run

        return run(Path(args.db) if args.db else None)
    import sqlite3

    from exports.meta import MetaError
    from storage import DatabaseError
    from storage.errors import explain_os_error, explain_sqlite_error

    pdf = args.command == "export" and str(args.out).lower().endswith(".pdf")
    if args.command in ("export", "template", "import") and not pdf:
        # openpyxl, too, imports numpy when it is installed (0.1-0.3 s), only to accept numpy
        # numbers in cells, which the app never writes; the build leaves numpy out (wanlixing.spec).
        _import_without_numpy("openpyxl")
    try:
        start_up(args)
        return commands[args.command](args)
    except (UserError, DatabaseError, MetaError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except OSError as exc:
        log.exception("file error")
        print(explain_os_error(exc, getattr(args, "out", None) if exc.filename is None else None), file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        log.exception("database error")
        print(explain_sqlite_error(exc, db_path(args)), file=sys.stderr)
        return 2
    except Exception:
        log.exception("unexpected error in %s", args.command)
        where = f"，详情已写入日志 {log_path}" if log_path else ""
        print(f"出现意外错误，操作未完成{where}。", file=sys.stderr)
        return 1


if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # the built program: a reading process of an import starts here
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
