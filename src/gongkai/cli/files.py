"""Files the commands write and databases they only read, checked the same way everywhere.

- :func:`save_bytes`: written whole or not at all (a temporary file in the same folder, then
  renamed), with the permissions of any new file of the user (``0666`` less the umask; a
  temporary file alone would be ``0600``).
- :func:`output_folder`: a missing folder is named in the message.
- :func:`existing_db`: commands that only read or change a stored report (``show``,
  ``correct``, ``agencies``, ``export``…) never create an empty database from a mistyped
  ``--db``, nor migrate a file that is not a gongkai database.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gongkai.errors import InputError

STDIO = "-"
SQLITE_MAGIC = b"SQLite format 3\x00"


def new_file_mode() -> int:
    """The permission bits a new file gets from ``open()``: ``0o666`` less the umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def output_folder(out: str | Path) -> Path:
    """The folder ``out`` is written into, which must exist and be a folder."""
    path = Path(out)
    if path.is_dir():
        raise InputError(f"输出路径 {path} 是一个目录，请给出文件名。", source=str(out))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise InputError(
            f"输出文件所在的目录 {folder} 不存在；请先创建它，或换一个输出路径。", source=str(out)
        )
    if not folder.is_dir():
        raise InputError(f"{folder} 不是目录，无法在其中写入 {path.name}。", source=str(out))
    return folder


def save_bytes(data: bytes, out: str | Path) -> None:
    """Write ``data`` to ``out`` atomically, with the user's usual file permissions."""
    path = Path(out)
    folder = output_folder(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except PermissionError as e:
        raise InputError(f"没有在目录 {folder} 中写文件的权限。", source=str(out)) from e
    except OSError as e:
        raise InputError(f"无法在目录 {folder} 中写文件：{e.strerror or e}。", source=str(out)) from e
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), new_file_mode())
            f.write(data)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"无法写入文件 {path}：{e.strerror or e}。", source=str(out)) from e


def existing_db(spec: str, *, create: bool = False) -> str:
    """``spec`` when it names an existing gongkai database (a URL is left to the server). With
    ``create`` (``ingest``): also a path where nothing is yet, or an empty file, but never a file
    that is something else."""
    if "://" in spec:
        return spec
    path = Path(spec).expanduser()
    hint = "请检查 --db（或环境变量 GONGKAI_DB）；新的报告库由 gongkai ingest 创建。"
    if create and (not path.exists() or (path.is_file() and path.stat().st_size == 0)):
        return spec
    if not path.exists():
        raise InputError(f"报告库 {spec} 不存在。{hint}")
    if path.is_dir():
        raise InputError(f"{spec} 是一个目录，不是报告库文件。{hint}")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as e:
        raise InputError(f"无法读取报告库 {spec}：{e.strerror or e}。") from e
    if head != SQLITE_MAGIC:
        raise InputError(f"{spec} 不是 gongkai 报告库（不是 SQLite 数据库文件）。{hint}")
    import sqlite3

    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.Error as e:
        raise InputError(f"无法打开报告库 {spec}：{e}。") from e
    if "reports" not in tables and not (create and not tables):
        raise InputError(f"{spec} 是 SQLite 数据库，但不是 gongkai 报告库（没有报告表）。{hint}")
    return spec


def expand_inputs(specs: list[str]) -> list[str]:
    """``specs`` with each folder replaced by the files in it (recursively, sorted, hidden
    files and folders skipped: as ``ingest``); files, ``-`` and absent paths as they are."""
    out: list[str] = []
    for spec in specs:
        p = Path(spec)
        if spec == STDIO or not p.is_dir():
            out.append(spec)
            continue
        for root, dirs, names in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            out.extend(str(Path(root) / n) for n in sorted(names) if not n.startswith("."))
    return out


@contextlib.contextmanager
def stdin_as_file(paths: list[str]) -> Iterator[list[str]]:
    """``paths`` with ``-`` replaced by a temporary file named ``-`` holding standard input
    (read with ``parse``'s size limit), for commands that work on files (``ingest``)."""
    if STDIO not in paths:
        yield paths
        return
    import sys

    from gongkai.api import MAX_INPUT_BYTES

    data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"标准输入超过 {MAX_INPUT_BYTES // 2**20} MB，不像是一份年度报告。", source=STDIO)
    with tempfile.TemporaryDirectory(prefix="gongkai-stdin-") as tmp:
        path = Path(tmp) / STDIO
        path.write_bytes(data)
        yield [str(path) if p == STDIO else p for p in paths]


__all__ = ["existing_db", "expand_inputs", "new_file_mode", "output_folder", "save_bytes", "stdin_as_file"]
