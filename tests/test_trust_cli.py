"""The command line in daily use (issue 11, items 8, 10): files follow the user's umask, the
output format follows the suffix, a missing folder is named, a mistyped --db never creates an
empty database, and one error boundary serves every command (honouring --debug)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from gongkai.cli.main import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def invoke(*args: str, env: dict[str, str] | None = None) -> SimpleNamespace:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    return SimpleNamespace(
        exit_code=result.exit_code,
        stdout=ANSI.sub("", result.stdout),
        stderr=ANSI.sub("", result.stderr),
        exception=result.exception,
    )


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture(scope="module")
def report_json(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> Path:
    from gongkai.api import parse_path

    path = tmp_path_factory.mktemp("json") / "报告.json"
    path.write_text(parse_path(sample_path).to_json(), encoding="utf-8")
    return path


# --- item 8: files --------------------------------------------------------------------------


def test_written_files_follow_the_umask(tmp_path: Path, report_json: Path, umask: None) -> None:
    out = tmp_path / "报告.docx"
    assert invoke("write", str(report_json), "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # 0666 & ~027, not mkstemp's 0600
    tpl = tmp_path / "填报.xlsx"
    assert invoke("template", "-o", str(tpl)).exit_code == 0
    assert stat.S_IMODE(tpl.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.parametrize(("suffix", "head"), [(".md", "#"), (".html", "<"), (".htm", "<"), (".txt", "")])
def test_format_follows_the_suffix(tmp_path: Path, report_json: Path, suffix: str, head: str) -> None:
    out = tmp_path / f"报告{suffix}"
    r = invoke("write", str(report_json), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    data = out.read_bytes()
    assert not data.startswith(b"PK")  # not a Word file under another name
    assert data.decode("utf-8").lstrip().startswith(head)


def test_suffix_contradicting_to_is_an_error(tmp_path: Path, report_json: Path) -> None:
    out = tmp_path / "报告.pdf"
    r = invoke("write", str(report_json), "--to", "docx", "-o", str(out))
    assert r.exit_code == 2 and ".pdf" in r.stderr and "docx" in r.stderr
    assert not out.exists()
    r = invoke("write", str(report_json), "--to", "md", "-o", str(tmp_path / "报告.md"))
    assert r.exit_code == 0


def test_missing_folder_is_named(tmp_path: Path, report_json: Path) -> None:
    r = invoke("write", str(report_json), "-o", str(tmp_path / "没有的目录" / "报告.docx"))
    assert r.exit_code == 2 and "没有的目录" in r.stderr and "不存在" in r.stderr
    r = invoke("template", "-o", str(tmp_path / "没有的目录" / "填报.xlsx"))
    assert r.exit_code == 2 and "没有的目录" in r.stderr
    r = invoke(
        "chart", "trend", "-o", str(tmp_path / "没有的目录" / "图.png"), "--db", str(tmp_path / "x.db")
    )
    assert r.exit_code == 2 and "没有的目录" in r.stderr and "Traceback" not in r.stderr


# --- item 10: databases and the error boundary ------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("show", "1"),
        ("correct", "--reason", "核对原件", "1", "requests.new_received.total", "3"),
        ("agencies", "list"),
        ("export", "-o", "x.csv"),
        ("stats",),
    ],
    ids=["show", "correct", "agencies", "export", "stats"],
)
def test_mistyped_db_is_an_error_not_a_new_database(tmp_path: Path, args: tuple[str, ...]) -> None:
    typo = tmp_path / "gongaki.db"
    r = invoke(*args, "--db", str(typo))
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert "不存在" in r.stderr and "Traceback" not in r.stderr
    assert not typo.exists()


@pytest.mark.parametrize("content", [b"just some text\n", b""], ids=["text", "empty"])
def test_a_file_that_is_not_a_database(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    for args in (("show", "1"), ("agencies", "list")):
        r = invoke(*args, "--db", str(path))
        assert r.exit_code == 2 and "不是 gongkai 报告库" in r.stderr and "Traceback" not in r.stderr
    assert path.read_bytes() == content  # never migrated into a database


def test_a_sqlite_database_of_something_else(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (a)")
    r = invoke("show", "1", "--db", str(path))
    assert r.exit_code == 2 and "不是 gongkai 报告库" in r.stderr


def _boom(*_: object, **__: object) -> None:
    raise RuntimeError("kaboom")


@pytest.mark.parametrize("debug", [False, True])
def test_one_error_boundary_for_every_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, report_json: Path, debug: bool
) -> None:
    """A bug anywhere (here: inside template, and inside a command's option callback) is exit 3
    with a short message, the traceback only with --debug."""
    monkeypatch.delenv("GONGKAI_DEBUG", raising=False)
    monkeypatch.setattr("gongkai.cli.files.existing_db", _boom)
    pre = ("--debug",) if debug else ()
    r = invoke(*pre, "agencies", "list", "--db", str(tmp_path / "x.db"))
    assert r.exit_code == 3 and "内部错误" in r.stderr and "kaboom" in r.stderr
    assert ("Traceback" in r.stderr) == debug
    monkeypatch.setattr("gongkai.write.template.write_template", _boom)
    r = invoke(*pre, "template", "-o", str(tmp_path / "t.xlsx"))
    assert r.exit_code == 3 and "kaboom" in r.stderr
    assert ("Traceback" in r.stderr) == debug


def test_a_gongkai_error_escaping_a_command_is_a_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from gongkai.errors import InputError

    def refuse(*_: object, **__: object) -> None:
        raise InputError("这是给人看的说明。")

    monkeypatch.setattr("gongkai.cli.files.existing_db", refuse)
    r = invoke("show", "1", "--db", str(tmp_path / "x.db"))
    assert r.exit_code == 2 and "这是给人看的说明。" in r.stderr and "Traceback" not in r.stderr


def test_ingest_never_turns_another_file_into_a_database(tmp_path: Path, sample_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("只是一个文本文件\n", encoding="utf-8")
    r = invoke("ingest", str(sample_path), "--db", str(notes), "--jobs", "1")
    assert r.exit_code == 2 and "不是 gongkai 报告库" in r.stderr and "Traceback" not in r.stderr
    assert notes.read_text(encoding="utf-8") == "只是一个文本文件\n"
    empty = tmp_path / "new.db"
    empty.touch()  # an empty file may become the new database
    assert invoke("ingest", str(sample_path), "--db", str(empty), "--jobs", "1").exit_code == 0


def test_template_suffix_of_another_format_is_an_error(tmp_path: Path) -> None:
    r = invoke("template", "-o", str(tmp_path / "填报.docx"))
    assert r.exit_code == 2 and ".docx" in r.stderr and not (tmp_path / "填报.docx").exists()
