"""argparse in Chinese: the words argparse itself prints (usage, section titles, -h, its error messages).

This is the project's compat module for argparse (STYLE.md: library internals live in one place):

- argparse passes every message it prints through gettext, as ``argparse._`` and ``argparse.ngettext``
  (module globals bound by ``from gettext import gettext as _, ngettext``). ``ChineseArgumentParser`` swaps
  in a lookup of ``MESSAGES`` only while one of its own methods runs, so no other argparse user in the
  process (pytest, in tests) changes language, and no gettext domain or .mo file is involved.
- ``ChineseHelpFormatter`` overrides ``HelpFormatter._format_action`` (a copy of Python 3.11's, measuring
  display columns instead of characters), ``add_argument`` and ``_split_lines``/``_fill_text``: argparse
  counts a Chinese character as one column, so help text was misaligned and wrapped inside English words.

tests/test_cli_text.py fails loudly when an upgrade of Python renames a message or adds one an officer
could see. Imports nothing beyond argparse (start-up time, issue 9).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, NoReturn

# argparse's message ids (Python 3.11) -> what the officer reads. Error messages are completed by
# ChineseArgumentParser.error() into "命令行参数有误：<message>。请运行 … --help 查看用法。"
MESSAGES: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "不能是 %(value)r，只能是 %(choices)s 之一",
    "invalid %(type)s value: %(value)r": "的值 %(value)r 不是有效的%(type)s",
    "%r is not callable": "的类型 %r 无法调用",
    "expected one argument": "后面缺少一个值",
    "expected at most one argument": "后面最多只能有一个值",
    "expected at least one argument": "后面至少要有一个值",
    "ignored explicit argument %r": "不需要值，却给了 %r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "the following arguments are required: %s": "缺少必需的参数 %s",
    "one of the arguments %s is required": "参数 %s 中至少要给出一个",
    "unrecognized arguments: %s": "无法识别参数 %s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "unexpected option string: %s": "不应出现选项 %s",
    "can't open '%(filename)s': %(error)s": "无法打开文件 '%(filename)s'：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "没有子命令 %(parser_name)r，只能是 %(choices)s 之一",
    "%(prog)s: error: %(message)s\n": "%(prog)s：命令行参数有误：%(message)s\n",
}
# Messages argparse gained after 3.11 (the app supports 3.11 and newer): looked up like the others;
# tests/test_cli_text.py checks them against the argparse of the Python it runs on, from 3.13.
SINCE_3_13: dict[str, str] = {
    "%(heading)s:": "%(heading)s：",
    "subcommands": "子命令",
    "show program's version number and exit": "显示版本号并退出",
    " (default: %(default)s)": "（默认：%(default)s）",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：注意：%(message)s\n",
    "argument '%(argument_name)s' is deprecated": "参数 '%(argument_name)s' 已不再使用",
    "option '%(option)s' is deprecated": "选项 '%(option)s' 已不再使用",
    "command '%(parser_name)s' is deprecated": "子命令 '%(parser_name)s' 已不再使用",
}
MESSAGES.update(SINCE_3_13)
# ngettext's (singular, plural) -> one Chinese text (Chinese has no plural).
PLURALS: dict[tuple[str, str], str] = {
    ("expected %s argument", "expected %s arguments"): "后面应有 %s 个值",
}
# Messages about mistakes in the program's own parser definition: raised while build_parser() runs,
# never by what an officer types, so they stay as argparse words them (a developer reads them).
DEVELOPER_MESSAGES: frozenset[str] = frozenset({
    ".__call__() not defined",
    "'required' is an invalid argument for positionals",
    "mutually exclusive arguments must be optional",
    "cannot merge actions - two groups are named %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "cannot have multiple subparser arguments",
    "conflicting subparser: %s",
    "conflicting subparser alias: %s",
    "argument \"-\" with mode %r",
    "conflicting option string: %s",
    "conflicting option strings: %s",
})


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get((singular, plural), singular if n == 1 else plural)


@contextmanager
def chinese_messages() -> Iterator[None]:
    """argparse speaks Chinese inside the block; nested use is fine (restores what it found)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _gettext, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _in_chinese(method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with chinese_messages():
            return method(*args, **kwargs)
    return wrapper


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: East Asian wide and full-width characters take two."""
    import unicodedata  # only when help is printed

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)]}")
_NO_LINE_END = set("（《「『“‘([{")


def _tokens(text: str) -> list[str]:
    """Words for wrapping: a run of non-space ASCII is one word, every other character is its own
    (Chinese breaks between any two characters); a space is kept as a token of its own."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(" " if char.isspace() else char)
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrap by display columns; a closing mark never starts a line, an opening one never ends it
    (the characters before it move down with it instead)."""

    def can_break(before: str, after: str) -> bool:
        return after != " " and after not in _NO_LINE_START and before not in _NO_LINE_END

    lines: list[list[str]] = [[]]
    used = 0
    for token in _tokens(" ".join(text.split())):
        line = lines[-1]
        if not line and token == " ":
            continue
        if used + display_width(token) > width and line and token != " ":
            upcoming = [*line, token]
            cut = next((k for k in range(len(line), 0, -1) if can_break(upcoming[k - 1], upcoming[k])), 0)
            if cut:
                lines[-1] = line[:cut]
                line = list(line[cut:])
                while line and line[0] == " ":
                    line.pop(0)
                lines.append(line)
                used = sum(map(display_width, line))
        line.append(token)
        used += display_width(token)
    return ["".join(line).rstrip() for line in lines if line] or [""]


class ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's default layout, measured in display columns (see the module docstring)."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(a) for a in self._iter_indented_subactions(action)]
            widest = max(map(display_width, invocations)) + self._current_indent
            self._action_max_length = max(self._action_max_length, widest)

    def format_help(self) -> str:
        # argparse ends a section title with an ASCII colon ("选项:"); Chinese takes the full-width one.
        return re.sub(r"^(\S[^\n]*):$", r"\1：", super().format_help(), flags=re.MULTILINE)

    def _format_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None) -> str:
        # argparse wraps the usage by characters; it is laid out on one line, then wrapped by columns
        # (each option's [...] part stays whole, continuation lines line up after the program name).
        prefix = _gettext("usage: ") if prefix is None else prefix
        width = self._width
        self._width = sys.maxsize
        try:
            line = super()._format_usage(usage, actions, groups, "").strip()
        finally:
            self._width = width
        prog = self._prog
        if usage is not None or not line.startswith(prog):
            return f"{prefix}{line}\n\n"
        parts = re.findall(r"\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+", line[len(prog):])
        text_width = self._width - self._current_indent
        head = prefix + prog
        indent = display_width(head) + 1
        lines: list[list[str]] = [[head]]
        if indent > text_width * 3 // 4:  # a long program name: the parts go on the lines below it
            indent = display_width(prefix)
            lines.append([])
        for part in parts:
            line = lines[-1]
            wide = display_width(" ".join([*line, part])) + (indent if len(lines) > 1 else 0) > text_width
            if wide and line and line != [head]:
                lines.append([part])
            else:
                line.append(part)
        return "\n".join(" " * indent * bool(i) + " ".join(words) for i, words in enumerate(lines)) + "\n\n"

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def _format_action(self, action: argparse.Action) -> str:
        # Python 3.11's HelpFormatter._format_action with display_width() where it had len().
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        indent_first = 0
        if not action.help:
            parts = [f"{indent}{header}\n"]
        elif display_width(header) <= action_width:
            parts = [f"{indent}{header}{' ' * (action_width - display_width(header))}  "]
        else:
            parts = [f"{indent}{header}\n"]
            indent_first = help_position
        if action.help and action.help.strip():
            help_text = self._expand_help(action)
            if help_text:
                help_lines = self._split_lines(help_text, help_width)
                parts.append(f"{' ' * indent_first}{help_lines[0]}\n")
                parts += [f"{' ' * help_position}{line}\n" for line in help_lines[1:]]
        elif not parts[0].endswith("\n"):
            parts.append("\n")
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words (usage, titles, -h, errors) are Chinese.

    An error prints the usage, then what is wrong and how to see the help, and exits with code 2.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        with chinese_messages():  # section titles and the -h line are worded in __init__
            super().__init__(*args, **kwargs)

    add_subparsers = _in_chinese(argparse.ArgumentParser.add_subparsers)
    parse_args = _in_chinese(argparse.ArgumentParser.parse_args)  # words "unrecognized arguments"
    parse_known_args = _in_chinese(argparse.ArgumentParser.parse_known_args)
    format_usage = _in_chinese(argparse.ArgumentParser.format_usage)
    format_help = _in_chinese(argparse.ArgumentParser.format_help)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"命令行参数有误：{message}。\n请运行 {self.prog} --help 查看用法。\n")


def integer(text: str) -> int:
    """type= for whole numbers; argparse names the type by __name__ in its message."""
    return int(text)


integer.__name__ = "整数"
