"""DOC, WPS, RTF and ODT reader: Word files other than DOCX, converted to DOCX by LibreOffice.

Old binary (OLE) Word and WPS files; RTF (sites publish RTF under a ".doc" name: the content
decides); OpenDocument text (.odt).

``soffice --headless --convert-to docx`` runs in a private temporary directory with its own
user profile (``-env:UserInstallation``), so that parallel runs never share a profile or lock,
and is killed with its whole process group after ``CONVERT_TIMEOUT`` seconds. The DOCX it
writes is read by :func:`gongkai.read.docx.read_docx`; ``at`` then names the tables of that
DOCX, which are the tables of the DOC in the same order.

An OLE file that is an Excel or PowerPoint file, or an encrypted Office file, is refused with
a message that says what it is. Without LibreOffice the message says how to install it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from gongkai.errors import InputError
from gongkai.model.report import Report, Source
from gongkai.read.safety import check_size

CONVERT_TIMEOUT = 120  # seconds

NO_LIBREOFFICE = (
    "读取 .doc/.wps 文件需要安装 LibreOffice；请安装 libreoffice-writer"
    "（如 apt install libreoffice-writer），或用 Word/WPS 把文件另存为 .docx 后重试。"
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


# Stream names of the OLE directory (UTF-16LE) that say what an OLE file holds.
_KINDS = (
    ("encrypted", (_utf16("EncryptedPackage"),)),
    ("doc", (_utf16("WordDocument"),)),
    ("xls", (_utf16("Workbook"), _utf16("Book\x00"))),
    ("ppt", (_utf16("PowerPoint Document"),)),
)


def ole_kind(data: bytes) -> str:
    """``doc`` (Word 97–2003, WPS), ``xls``, ``ppt``, ``encrypted`` or ``unknown``, by its stream names."""
    for kind, names in _KINDS:
        if any(n in data for n in names):
            return kind
    return "unknown"


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _suffix(name: str) -> str:
    ext = Path(name).suffix.lower()
    return ext if ext in (".doc", ".wps", ".dot", ".wpt", ".rtf") else ".doc"


def convert_to_docx(data: bytes, name: str, suffix: str = ".doc", timeout: float = CONVERT_TIMEOUT) -> bytes:
    """The DOCX LibreOffice makes of ``data``; :class:`InputError` when it cannot."""
    soffice = find_soffice()
    if soffice is None:
        raise InputError(NO_LIBREOFFICE, source=name)
    with tempfile.TemporaryDirectory(prefix="gongkai-soffice-") as tmp:
        work = Path(tmp)
        src = work / f"input{suffix}"
        out = work / "out"
        out.mkdir()
        src.write_bytes(data)
        profile = (work / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(src),
        ]
        env = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,  # its own process group, killed as a whole on timeout
            )
        except OSError as e:
            raise InputError(f"无法启动 LibreOffice（{soffice}）：{e.strerror or e}。", source=name) from e
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as e:
            _kill_group(proc)
            raise InputError(
                f"LibreOffice 转换超时（超过 {int(timeout)} 秒），文件可能过大或已损坏；"
                "请用 Word/WPS 另存为 .docx 后重试。",
                source=name,
            ) from e
        finally:
            _kill_group(proc)
        result = out / "input.docx"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise InputError(
                "LibreOffice 无法转换该文件，它可能已损坏、加密或不是 Word/WPS 文档"
                + (f"（{detail[0][:200]}）" if detail else "")
                + "；请用 Word/WPS 另存为 .docx 后重试。",
                source=name,
            )
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """End the converter's process group (soffice starts soffice.bin as a child)."""
    with contextlib.suppress(OSError):  # already gone
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def read_doc(data: bytes, source: Source) -> Report:
    """Read a report from an OLE file (Word 97–2003 .doc, WPS .wps) through LibreOffice."""
    check_size(data, source.name, "Word 文件")
    kind = ole_kind(data)
    if kind == "xls":
        raise InputError(
            "这是 Excel 97-2003 工作簿（.xls），不是 Word 文档；请用 Excel/WPS 另存为 .xlsx 后重试。",
            source=source.name,
        )
    if kind == "ppt":
        raise InputError("这是 PowerPoint 演示文稿，不是年度报告的 Word 文档。", source=source.name)
    if kind == "encrypted":
        raise InputError("文件已加密（设置了打开密码），请去掉密码后另存再试。", source=source.name)
    from gongkai.read.docx import read_docx

    # a Word stream is a Word file whatever its name (WPS's .wps is DOC inside): LibreOffice
    # is told so by the name it sees; otherwise the original extension is its hint
    docx = convert_to_docx(data, source.name, ".doc" if kind == "doc" else _suffix(source.name))
    return read_docx(docx, source)


def read_converted(data: bytes, source: Source, suffix: str) -> Report:
    """Read a report from an RTF or OpenDocument text file through LibreOffice (``suffix``
    tells LibreOffice what the bytes are, whatever the file's name)."""
    check_size(data, source.name, "Word 文件")
    from gongkai.read.docx import read_docx

    return read_docx(convert_to_docx(data, source.name, suffix), source)
