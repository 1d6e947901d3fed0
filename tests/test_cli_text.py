"""The command line's own words are Chinese: help, usage, section titles and argparse's error messages.

Most tests run main.py as the officer does (a real process, the real output); the rest pin the argparse
internals cli_text relies on, so a Python upgrade that rewords a message fails here, not in front of an officer.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cli_text

ROOT = Path(__file__).resolve().parent.parent
SUBCOMMANDS = ["sample", "export", "template", "import", "backup", "restore", "backups"]
# argparse's English, as it prints it in help and errors.
ENGLISH = ["usage", "options", "show this help", "positional arguments", "error:", "invalid choice", "required",
           "unrecognized", "expected", "argument", "ambiguous", "invalid", "could match"]
# ASCII words the app's own help legitimately shows: program, sub-command and choice names, file types.
KNOWN_WORDS = {"python", "main", "py", *SUBCOMMANDS, "needs", "cases", "feedback", "progress",
               "Excel", "PDF", "xlsx", "pdf"}


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "main.py", *args], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env=env)


def stray_english(text: str) -> set[str]:
    """ASCII words left once option names (--out, -h) and the words the app itself uses are taken out."""
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)
    return set(re.findall(r"[A-Za-z]{2,}", text)) - KNOWN_WORDS


def columns(text: str) -> int:
    return cli_text.display_width(text)


@pytest.mark.parametrize("command", [[], *[[c] for c in SUBCOMMANDS]], ids=["main", *SUBCOMMANDS])
def test_help_is_chinese(command):
    out = run(*command, "--help")
    assert out.returncode == 0 and out.stderr == ""
    text = out.stdout
    assert text.startswith(f"用法：python main.py {' '.join(command)}".rstrip())
    for word in ENGLISH:
        assert word not in text.lower(), word
    assert stray_english(text) == set()
    assert "-h, --help" in text and "显示本帮助并退出" in text
    assert "选项：" in text
    # At 80 columns nothing is wider than the terminal, counting a Chinese character as two columns.
    assert max(columns(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("command", ["export", "import", "sample"])
def test_help_column_lines_up_in_display_columns(command):
    # argparse counts 文件 as 2 columns, a terminal shows 4: "--db 文件" pushed its help 2 columns right.
    text = run(command, "--help").stdout
    starts = set()
    for line in text.splitlines():
        match = re.match(r"^  (-\S*(?: \S+)?(?:, -\S*(?: \S+)?)?)( {2,})(\S.*)$", line)
        if match:
            starts.add(columns(match[1]) + len(match[2]) + 2)
    assert len(starts) == 1, text


def test_help_does_not_break_words():
    text = run("export", "--help").stdout
    assert "progress=需求办理进展" in text  # argparse's wrap split it as "p" / "rogress"
    lines = [line.strip() for line in text.splitlines()]
    assert not any(line[:1] in "，。；、）" for line in lines if line)


def test_main_help_lists_every_subcommand():
    text = run("--help").stdout
    listed = re.findall(r"^    (\w+)  ", text, flags=re.MULTILINE)
    assert listed == SUBCOMMANDS
    assert "子命令：" in text and "不给子命令时打开窗口" in text


def test_usage_continuation_lines_up_after_the_program_name():
    text = run("export", "--help").stdout
    usage = text.split("\n\n")[0].splitlines()
    assert len(usage) > 1
    indent = columns("用法：python main.py export ")
    assert all(len(line) - len(line.lstrip()) == indent for line in usage[1:])


def check_error(out: subprocess.CompletedProcess, says: str, prog: str = "python main.py") -> None:
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    err = out.stderr
    assert err.startswith(f"用法：{prog}")
    assert f"命令行参数有误：{says}" in err
    assert f"请运行 {prog} --help 查看用法。" in err
    assert "Traceback" not in err
    for word in ENGLISH:
        assert word not in err.lower(), (word, err)


def test_wrong_subcommand():
    out = run("exprot")
    check_error(out, "参数 子命令 不能是 'exprot'，只能是 ")
    listed = re.findall(r"'(\w+)'", out.stderr.split("只能是", 1)[1])
    assert listed == SUBCOMMANDS


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_unknown_option_for_every_subcommand(command):
    args = {"export": ["needs", "--out", "x.xlsx"], "template": ["needs", "--out", "x.xlsx"],
            "import": ["a.xlsx"], "restore": ["--from", "b.db"]}.get(command, [])
    check_error(run(command, *args, "--colour"), "无法识别参数 --colour。")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_option_without_its_value_for_every_subcommand(command):
    option = "--out" if command == "template" else "--db"
    check_error(run(command, option), f"参数 {option} 后面缺少一个值。", f"python main.py {command}")


@pytest.mark.parametrize(("args", "says"), [
    (["export", "needs"], "缺少必需的参数 --out。"),
    (["export"], "缺少必需的参数 表格, --out。"),
    (["template", "cases"], "缺少必需的参数 --out。"),
    (["import"], "缺少必需的参数 路径。"),
    (["restore"], "缺少必需的参数 --from。"),
])
def test_missing_required_argument(args, says):
    check_error(run(*args), says, f"python main.py {args[0]}")


@pytest.mark.parametrize(("args", "says"), [
    (["sample", "--needs", "many"], "参数 --needs 的值 'many' 不是有效的整数。"),
    (["sample", "--seed", "1.5"], "参数 --seed 的值 '1.5' 不是有效的整数。"),
    (["template", "needs", "--out", "t.xlsx", "--year", "明年"], "参数 --year 的值 '明年' 不是有效的整数。"),
    (["export", "pdfs", "--out", "x.pdf"], "参数 表格 不能是 'pdfs'，只能是 'needs', 'cases', 'feedback', 'progress' 之一。"),
    (["template", "feedback", "--out", "x.xlsx"], "参数 表格 不能是 'feedback'，只能是 'needs', 'cases' 之一。"),
    (["export", "needs", "--out", "x.xlsx", "--c"], "选项 --c 不明确，可能是 --city, --consolidated。"),
])
def test_wrong_values(args, says):
    check_error(run(*args), says, f"python main.py {args[0]}")


def test_wrong_option_before_the_subcommand():
    check_error(run("--dbx=a.db", "backups"), "无法识别参数 --dbx=a.db。")
    check_error(run("--db"), "参数 --db 后面缺少一个值。")


# --- the argparse internals cli_text relies on -------------------------------------------------------------

def argparse_messages() -> set[str | tuple[str, str]]:
    """Every literal message id argparse passes to _() or ngettext()."""
    found: set[str | tuple[str, str]] = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and literals:
                found.add(literals[0])
            elif node.func.id == "ngettext":
                found.add((literals[0], literals[1]))
    return found


def test_every_argparse_message_is_translated_or_a_developer_message():
    # Fails when a Python upgrade adds a message: translate it, or list it as a developer's message.
    ids = argparse_messages()
    untranslated = {m for m in ids if m not in cli_text.MESSAGES and m not in cli_text.PLURALS
                    and not (m in cli_text.DEVELOPER_MESSAGES
                             or (isinstance(m, tuple) and set(m) <= cli_text.DEVELOPER_MESSAGES))}
    assert untranslated == set()


def test_every_translation_still_matches_an_argparse_message():
    # Fails when a Python upgrade rewords a message: the translation would silently stop applying.
    ids = argparse_messages()
    newer = set() if sys.version_info >= (3, 13) else set(cli_text.SINCE_3_13)
    assert set(cli_text.MESSAGES) - newer - ids == set()
    assert set(cli_text.PLURALS) - ids == set()


@pytest.mark.parametrize("english", [*cli_text.MESSAGES, *cli_text.PLURALS])
def test_translations_keep_the_placeholders(english):
    chinese = cli_text.MESSAGES.get(english) or cli_text.PLURALS[english]
    english_text = english if isinstance(english, str) else english[1]
    placeholders = re.compile(r"%(?:\(\w+\))?[sr]")
    assert sorted(placeholders.findall(chinese)) == sorted(placeholders.findall(english_text))


def test_argparse_is_chinese_only_inside_the_apps_parser():
    parser = cli_text.ChineseArgumentParser(prog="x")
    assert parser.format_usage().startswith("用法：x")
    plain = argparse.ArgumentParser(prog="y")  # e.g. pytest's own parser, in this very process
    assert plain.format_usage().startswith("usage: y")
    assert "show this help message and exit" in plain.format_help()


def test_wrap_by_display_columns():
    assert cli_text.wrap("一二三四五六", 8) == ["一二三四", "五六"]
    assert cli_text.wrap("中文 progress=进展", 10) == ["中文", "progress=", "进展"]  # no break inside a word
    assert cli_text.wrap("一二三，四", 6) == ["一二", "三，四"]  # a comma never starts a line
    assert cli_text.wrap("一二（三四", 6) == ["一二", "（三四"]  # an opening bracket never ends one
