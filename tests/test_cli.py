"""The gongkai command: output, JSON, standard input, encodings, bad inputs and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from gongkai import __version__
from gongkai.cli.main import app
from gongkai.model.report import Report
from gongkai.schema import load_schema

runner = CliRunner()


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def invoke(*args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> SimpleNamespace:
    """Run the app in-process, 200 columns wide; outputs without styling whatever FORCE_COLOR says."""
    result = runner.invoke(app, list(args), input=input, env={"COLUMNS": "200", **(env or {})})
    return SimpleNamespace(
        exit_code=result.exit_code,
        stdout=ANSI.sub("", result.stdout),
        stderr=ANSI.sub("", result.stderr),
        output=ANSI.sub("", result.output),
    )


def no_traceback(result: SimpleNamespace) -> None:
    assert "Traceback" not in result.output
    assert "Traceback" not in (result.stderr or "")


def first_line_number(text: str, label: str) -> tuple[int, str]:
    for i, line in enumerate(text.splitlines()):
        if label in line:
            return i, line
    raise AssertionError(f"{label} not in sample")


@pytest.fixture(scope="module")
def sample_json(sample_path: Path) -> dict[str, Any]:
    result = invoke("parse", "--json", str(sample_path))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the basics ------------------------------------------------------------------------------


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"gongkai {__version__}"


def test_help_is_in_chinese() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for text in ("parse", "check", "读取", "退出码", "显示本帮助并退出"):
        assert text in result.stdout
    for command in ("parse", "check"):
        sub = invoke(command, "--help")
        assert sub.exit_code == 0
        assert "--json" in sub.stdout and "标准输入" in sub.stdout


def test_parse_shows_the_three_tables(sample_path: Path, sample_json: dict[str, Any]) -> None:
    result = invoke("parse", str(sample_path), env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in (
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
        "法人或其他组织",
        "社会公益组织",
        "三、本年度办理结果",
        "（三）不予公开",
        "1.属于国家秘密",
        "四、结转下年度继续办理",
        "未经复议直接起诉",
        "检查结果",
    ):
        assert text in out, text
    meta = sample_json["meta"]
    assert str(meta["year"]) in out
    if meta["agency"]:
        assert meta["agency"] in out
    no_traceback(result)


def test_parse_json_validates(
    sample_json: dict[str, Any], validator: jsonschema.Draft202012Validator
) -> None:
    validator.validate(sample_json)
    assert sample_json["source"]["name"] == "sample-2023.txt"
    assert sample_json["schema"] == "gongkai.report/1"


def test_every_bundled_sample_validates(
    sample_path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    samples = sorted(sample_path.parent.glob("*.txt"))
    result = invoke("parse", "--json", *map(str, samples))
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert {d["meta"]["edition"] for d in docs} >= {"2021"}
    for doc in docs:
        validator.validate(doc)


def test_parse_json_several_files_is_json_lines(
    sample_path: Path, sample_json: dict[str, Any], validator: jsonschema.Draft202012Validator
) -> None:
    result = invoke("parse", "--json", str(sample_path), str(sample_path))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        doc = json.loads(line)
        validator.validate(doc)
        assert doc == sample_json


def test_stdin(sample_path: Path, sample_json: dict[str, Any]) -> None:
    result = invoke("parse", "--json", "-", input=sample_path.read_bytes())
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["source"]["name"] == "-"
    assert doc["tables"] == sample_json["tables"]
    assert doc["source"]["sha256"] == sample_json["source"]["sha256"]


def test_gbk_input_reads_the_same(tmp_path: Path, sample_path: Path, sample_json: dict[str, Any]) -> None:
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(sample_path.read_text(encoding="utf-8").encode("gbk"))
    result = invoke("parse", "--json", str(gbk))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["tables"] == sample_json["tables"]
    assert doc["meta"] == sample_json["meta"]


def test_schema_command_prints_the_schema() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == load_schema()


# -- check -----------------------------------------------------------------------------------


def test_check_lists_findings_and_exit_code_follows_errors(sample_path: Path) -> None:
    result = invoke("check", "--json", str(sample_path))
    doc = json.loads(result.stdout)
    assert doc["schema"] == "gongkai.findings/1"
    finding_schema = {**load_schema(), "$ref": "#/$defs/finding"}
    for key in ("required", "properties", "allOf", "additionalProperties", "type"):
        finding_schema.pop(key, None)
    for f in doc["findings"]:
        jsonschema.validate(f, finding_schema)
    assert doc["counts"] == {
        s: sum(f["severity"] == s for f in doc["findings"]) for s in ("error", "warning", "info")
    }
    assert result.exit_code == (1 if doc["counts"]["error"] else 0)

    table = invoke("check", str(sample_path), env={"COLUMNS": "160"})
    assert table.exit_code == result.exit_code
    assert "sample-2023.txt" in table.stdout
    assert "小计" in table.stdout
    for f in doc["findings"]:
        assert f["rule"] in table.stdout


def _unbalanced(sample_path: Path, tmp_path: Path) -> Path:
    """The sample with the 总计 of 一、本年新收 raised by 100: row total and balance no longer hold."""
    text = sample_path.read_text(encoding="utf-8")
    doc = json.loads(invoke("parse", "--json", str(sample_path)).stdout)
    cell = doc["tables"]["requests"]["new_received"]["total"]
    assert cell["status"] == "read" and cell["at"] and "line" in cell["at"]
    lines = text.splitlines()
    n = cell["at"]["line"] - 1
    raw = cell["raw"]
    head, sep, tail = lines[n].rpartition(raw)
    assert sep, (raw, lines[n])
    lines[n] = head + str(int(raw) + 100) + tail
    path = tmp_path / "unbalanced.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_check_exits_1_on_an_unbalanced_report(sample_path: Path, tmp_path: Path) -> None:
    path = _unbalanced(sample_path, tmp_path)
    result = invoke("check", "--json", str(path))
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert errors and all(f["message"] for f in errors)
    assert any("requests.new_received.total" in f["cells"] for f in errors)
    table = invoke("check", str(path))
    assert table.exit_code == 1
    assert "错误" in table.stdout
    # parse shows the same report but does not fail on findings
    assert invoke("parse", str(path)).exit_code == 0


# -- bad inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["parse", "check"])
def test_missing_file(command: str, tmp_path: Path) -> None:
    result = invoke(command, str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "文件不存在" in result.stderr
    assert result.stdout == ""
    no_traceback(result)


def test_directory(tmp_path: Path) -> None:
    result = invoke("parse", str(tmp_path))
    assert result.exit_code == 2
    assert "目录" in result.stderr
    no_traceback(result)


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 64)
    result = invoke("parse", str(path))
    assert result.exit_code == 2
    assert "二进制" in result.stderr or "编码" in result.stderr
    no_traceback(result)


@pytest.mark.parametrize(
    "data",
    [b"", "\u4eca\u5929\u5929\u6c14\u5f88\u597d\u3002\n".encode() * 20, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"],
    ids=["empty", "not-a-report", "pdf"],
)
def test_unreadable_stdin(data: bytes) -> None:
    result = invoke("check", "-", input=data)
    assert result.exit_code == 2
    assert "标准输入" in result.stderr
    no_traceback(result)


def test_several_files_one_bad(sample_path: Path, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.txt")
    result = invoke("parse", "--json", str(sample_path), missing, str(sample_path))
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 2
    assert "missing.txt" in result.stderr and "文件不存在" in result.stderr
    no_traceback(result)
    table = invoke("check", str(sample_path), missing)
    assert table.exit_code == 2
    assert "sample-2023.txt" in table.stdout and "1 个无法读取" in table.stdout


# -- bugs and interrupts ---------------------------------------------------------------------


def _boom(*_: object) -> None:
    raise RuntimeError("kaboom")


def test_unexpected_error_has_no_traceback(monkeypatch: pytest.MonkeyPatch, sample_path: Path) -> None:
    monkeypatch.setattr("gongkai.api.parse_path", _boom)
    monkeypatch.delenv("GONGKAI_DEBUG", raising=False)
    result = invoke("parse", str(sample_path))
    assert result.exit_code == 3
    assert "内部错误" in result.stderr and "kaboom" in result.stderr and "--debug" in result.stderr
    no_traceback(result)


@pytest.mark.parametrize("how", ["option", "env"])
def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, sample_path: Path, how: str) -> None:
    monkeypatch.setattr("gongkai.api.parse_path", _boom)
    if how == "option":
        result = invoke("--debug", "check", str(sample_path))
    else:
        result = invoke("check", str(sample_path), env={"GONGKAI_DEBUG": "1"})
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "kaboom" in result.stderr


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch, sample_path: Path) -> None:
    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("gongkai.api.parse_path", interrupt)
    result = invoke("parse", str(sample_path), str(sample_path))
    assert result.exit_code == 130
    no_traceback(result)


# -- the installed command, in a real process ------------------------------------------------


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_process_stdin_and_errors(sample_path: Path, tmp_path: Path) -> None:
    ok = run("parse", "--json", "-", stdin=sample_path.read_bytes())
    assert ok.returncode == 0, ok.stderr.decode()
    assert json.loads(ok.stdout)["source"]["name"] == "-"
    bad = run("check", str(tmp_path / "nope.txt"))
    assert bad.returncode == 2
    err = bad.stderr.decode("utf-8")
    assert "文件不存在" in err and "Traceback" not in err


# -- how cells are marked (the display, on a fake report) ------------------------------------


def test_cell_marks_and_notes(make_report: Callable[..., Report]) -> None:
    from rich.console import Console

    from gongkai.display import render_report
    from gongkai.model.report import Cell, Finding, Status

    report = make_report("2021", 0)
    rows = report.tables["requests"]
    rows["granted"]["natural_person"] = Cell(value=0, status=Status.INFERRED, raw="")
    rows["granted"]["total"] = Cell(status=Status.AMBIGUOUS, raw="1 3", at={"line": 40}, candidates=[13, 4])
    rows["carried_over"]["total"] = Cell(status=Status.MISSING, raw="/")
    report.findings = [Finding(rule="requests.balance", severity="error", message="总计不平衡")]
    console = Console(width=160, record=True, color_system=None)
    console.print(render_report(report))
    text = console.export_text()
    assert "0*" in text and "—" in text
    assert "* 推断" in text and "? 存疑" in text and "— 缺失" in text
    assert "requests.granted.total" in text and "可能是 13 或 4" in text and "第 40 行" in text
    assert "错误 1 条" in text and "总计不平衡" in text
    assert "江州" not in text and "某某局" in text
