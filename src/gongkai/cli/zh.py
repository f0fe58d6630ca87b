"""Chinese for the parts of typer's help and error screens that gongkai does not write itself.

typer reads these module constants each time it draws a screen; setting them is the way it
offers to change them. Click's own strings (``Usage:``, its error messages) stay as they are.
"""

from __future__ import annotations

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


def localize() -> None:
    try:
        from typer import rich_utils
    except ImportError:  # typer without rich: plain click screens
        return
    for name, text in TEXTS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
