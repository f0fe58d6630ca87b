"""The command line speaks Chinese and fits 80 columns (issue 11, item 11): usage errors, help,
option types; help text wraps instead of being cut with "…"; the stats table never cuts its
label column; --help imports neither pydantic nor the readers (startup time: bench/bench_startup.py)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from rich.console import Console
from typer.testing import CliRunner

from gongkai.cli.main import app
from gongkai.cli.zh import translate_error, translate_type

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run80(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args), env={"COLUMNS": "80", "TERM": "dumb"})
    return r.exit_code, ANSI.sub("", r.stdout), ANSI.sub("", r.stderr)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("parse",), "缺少参数"),
        (("parse", "--foo", "x"), "没有选项 --foo"),
        (("pars", "x"), "是不是要用 'parse'"),
        (("template", "-o", "x.xlsx", "--year", "abc"), "应为整数"),
        (("template", "-o", "x.xlsx", "--year", "3000"), "不能大于 2100"),
        (("write", "x", "--to", "xyz"), "不是可选的值"),
        (("template",), "缺少选项 '--output'"),
        (("template", "-o", "x.xlsx", "--year"), "后面要给一个值"),
        (("--bogus",), "没有选项 --bogus"),
    ],
)
def test_usage_errors_in_chinese(args: tuple[str, ...], expected: str) -> None:
    code, _, err = run80(*args)
    assert code == 2 and expected in err, err
    assert "Usage:" not in err and "Missing" not in err and "Invalid value" not in err
    assert all(len(line) <= 80 for line in err.splitlines())


@pytest.mark.parametrize(
    "args", [("--help",), ("write", "--help"), ("check", "--help"), ("ingest", "--help")]
)
def test_help_fits_80_columns_and_is_not_cut(args: tuple[str, ...]) -> None:
    code, out, _ = run80(*args)
    assert code == 0 and "用法：" in out and "Usage:" not in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "…" not in out  # Chinese help folds at the edge instead of being cut
    assert "<str>" not in out and "<int>" not in out


def test_translations() -> None:
    assert translate_type("<str>") == "<文本>" and translate_type("<docx|pdf>") == "<docx|pdf>"
    assert translate_error("Got unexpected extra argument (b)") == "多余的参数：b。"
    assert translate_error("Something new.") == "Something new."  # unknown: left as it is


def test_stats_label_column_is_never_cut() -> None:
    from gongkai.analyse.render import render_stats
    from gongkai.analyse.sample import synthetic_records
    from gongkai.analyse.stats import compute_stats

    recs = synthetic_records(8, seed=4)
    for by in (("year",), ("agency",), ("region", "year")):
        result = compute_stats(recs, by, filters={})
        console = Console(width=80, record=True, color_system=None)
        console.print(render_stats(result, width=80))
        text = console.export_text()
        assert "…" not in text and all(len(line.rstrip()) <= 80 for line in text.splitlines())
        first = "".join(m[1] for line in text.splitlines() if (m := re.match(r" (\S(?:\S| (?! ))*)", line)))
        for g in result.groups:  # every label whole in the first column (folded parts joined back)
            assert g.label.replace(" ", "") in first.replace(" ", "")
        assert "纠错率" in text  # the last column is shown, not cut off


def test_help_imports_no_reader_and_no_pydantic() -> None:
    code = (
        "import sys, gongkai.cli.main as m\n"
        "heavy = [n for n in ('pydantic', 'sqlalchemy', 'openpyxl', 'lxml', 'typer.rich_utils', 'rich.progress')"
        " if n in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
