"""Chinese for the parts of typer's help and error screens that gongkai does not write itself,
and help that stays readable at 80 columns.

typer reads its module constants (panel titles, ``[必填]``…) each time it draws a screen; the
usage line, the messages of usage errors (click's, in English) and the type names of options
are translated here by patching the few functions that produce them. Long Chinese help text has
no spaces to break at: rich would cut it with "…" in a narrow table cell, so help text folds
instead. :func:`localize` is called lazily, only when a help or error screen is about to be
drawn (``cli/options.py``), so that a command that draws neither never imports
``typer.rich_utils`` (and rich's Markdown) at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

USAGE = (
    ("Usage: ", "用法："),
    ("[OPTIONS]", "[选项]"),
    ("COMMAND [ARGS]...", "命令 [参数]..."),
)

TYPES = {
    "str": "文本",
    "text": "文本",
    "int": "整数",
    "integer": "整数",
    "float": "数字",
    "bool": "是/否",
    "boolean": "是/否",
    "path": "路径",
    "file": "文件",
    "filename": "文件名",
    "date": "日期",
    "datetime": "日期时间",
}


def _value_problem(text: str) -> str:
    """The reason part of "Invalid value for '--x': REASON" in Chinese (or as it is)."""
    rules: list[tuple[str, str]] = [
        (r"Input should be a valid integer.*", "应为整数"),
        (r"Input should be a valid (number|decimal).*", "应为数字"),
        (r"Input should be a valid boolean.*", "应为是或否（true、false）"),
        (r"Input should be a valid date.*", "应为日期，如 2024-03-01"),
        (r"Input should be less than or equal to (\S+?)\.?", r"不能大于 \1"),
        (r"Input should be greater than or equal to (\S+?)\.?", r"不能小于 \1"),
        (r"Input should be less than (\S+?)\.?", r"应小于 \1"),
        (r"Input should be greater than (\S+?)\.?", r"应大于 \1"),
        (r"(?:Value error, )?(.+?) is not one of (.+?)\.?", r"\1 不是可选的值；可选：\2"),
        (r"(?:Value )?(.+?) is not a valid (\w+)\.?", r"\1 不是有效的\2"),
        (r"(.+?) is not in the range (.+?)\.?", r"\1 不在范围 \2 之内"),
        (r"(?:File|Path|Directory) (.+?) does not exist\.?", r"\1 不存在"),
    ]
    for pattern, zh in rules:
        m = re.fullmatch(pattern, text.strip(), flags=re.S)
        if m:
            return m.expand(zh)
    return text


def _hint(m: re.Match[str]) -> str:
    return f"（是不是要用 {m.group(1)}？）"


def translate_error(message: str) -> str:
    """A usage error of click/typer in Chinese; anything not recognised is left as it is."""
    hint = re.search(r"\.? ?Did you mean (.+?)\?$", message)
    if hint:
        return translate_error(message[: hint.start()] + ".") + _hint(hint)
    rules: list[tuple[str, Callable[[re.Match[str]], str]]] = [
        (r"Missing argument (.+?)\.(.*)", lambda m: f"缺少参数 {m[1]}。{m[2]}"),
        (r"Missing option (.+?)\.(.*)", lambda m: f"缺少选项 {m[1]}。{m[2]}"),
        (r"Missing parameter:? (.+?)\.?", lambda m: f"缺少参数 {m[1]}。"),
        (r"Missing command\.(.*)", lambda m: f"缺少命令。{m[1]}"),
        (
            r"No such option: (\S+)(?: \(Possible options: (.+)\))?(.*)",
            lambda m: f"没有选项 {m[1]}。" + (f"（可用的有：{m[2]}）" if m[2] else "") + m[3],
        ),
        (r"No such command (.+?)\.(.*)", lambda m: f"没有命令 {m[1]}。{m[2]}"),
        (
            r"Invalid value for (.+?): (.+)",
            lambda m: f"{m[1]} 的值无效：{_value_problem(m[2])}。",
        ),
        (r"Invalid value: (.+)", lambda m: f"值无效：{_value_problem(m[1])}。"),
        (r"Option (.+?) does not take a value\.", lambda m: f"选项 {m[1]} 不带值。"),
        (r"Option (.+?) requires an argument\.", lambda m: f"选项 {m[1]} 后面要给一个值。"),
        (r"Option (.+?) requires (\d+) arguments\.", lambda m: f"选项 {m[1]} 后面要给 {m[2]} 个值。"),
        (r"Got unexpected extra arguments? \((.+)\)", lambda m: f"多余的参数：{m[1]}。"),
    ]
    for pattern, zh in rules:
        m = re.fullmatch(pattern, message.strip(), flags=re.S)
        if m:
            return zh(m).replace("。。", "。").replace("：。", "。")
    return message


def translate_usage(usage: str) -> str:
    for en, zh in USAGE:
        usage = usage.replace(en, zh)
    return usage


def translate_type(text: str | None) -> str | None:
    """``<str>`` → ``<文本>``, ``INTEGER`` → ``整数``; choices (``<docx|pdf>``) stay."""
    if not text:
        return text
    inner = text.strip()
    bracketed = inner.startswith("<") and inner.endswith(">")
    key = inner[1:-1] if bracketed else inner
    zh = TYPES.get(key.lower())
    if zh is None:
        return text
    return f"<{zh}>" if bracketed else zh


_done = False


def localize() -> None:
    """Install the translations (once; cheap after the first call)."""
    global _done
    if _done:
        return
    _done = True
    try:
        from typer import core, rich_utils
    except ImportError:  # typer without rich: plain click screens
        return
    for name, text in TEXTS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
    _patch_errors(rich_utils)
    _patch_usage(core)
    _patch_folding(rich_utils)
    _patch_types(core)


def _patch_errors(rich_utils: Any) -> None:
    original = rich_utils.rich_format_error

    def rich_format_error(self: Any) -> None:
        message = self.format_message
        self.format_message = lambda: translate_error(message())
        original(self)

    rich_utils.rich_format_error = rich_format_error


def _patch_usage(core: Any) -> None:
    for cls in {core.TyperCommand, core.TyperGroup, *core.TyperGroup.__mro__[1:2]}:
        original = cls.get_usage
        if getattr(original, "_gongkai", False):
            continue

        def get_usage(self: Any, ctx: Any, _original: Callable[..., str] = original) -> str:
            return translate_usage(_original(self, ctx))

        get_usage._gongkai = True  # type: ignore[attr-defined]
        cls.get_usage = get_usage


def _patch_folding(rich_utils: Any) -> None:
    """Help text folds at the panel's edge instead of ending in "…" (Chinese has no spaces)."""
    original = rich_utils._make_rich_text

    def make_rich_text(*args: Any, **kwargs: Any) -> Any:
        text = original(*args, **kwargs)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    rich_utils._make_rich_text = make_rich_text


def _patch_types(core: Any) -> None:
    for cls in (core.TyperOption, core.TyperArgument):
        original = getattr(cls, "display_type_rich", None)
        if original is None or getattr(original, "_gongkai", False):
            continue

        def display_type_rich(
            self: Any, *args: Any, _original: Callable[..., Any] = original, **kw: Any
        ) -> Any:
            return translate_type(_original(self, *args, **kw))

        display_type_rich._gongkai = True  # type: ignore[attr-defined]
        cls.display_type_rich = display_type_rich
