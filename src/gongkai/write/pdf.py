"""The report as PDF: the DOCX of :mod:`gongkai.write.docx` converted by LibreOffice, headless.

LibreOffice runs with a private profile in a temporary directory (``-env:UserInstallation``) so
that it never touches, or waits for, the user's own LibreOffice. That profile carries a font
replacement table: each font the document names (方正小标宋简体, 仿宋_GB2312, …) is replaced, when
it is not installed, by the first installed font of its chain (:data:`FONT_CHAINS`), so that the
PDF keeps serif body text and a sans-serif heading on a machine with only Noto CJK fonts.
LibreOffice embeds (subsets of) every font it uses.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from gongkai.model.report import Report
from gongkai.write import WriteError
from gongkai.write.docx import FONT_CHAINS, write_docx

DEFAULT_TIMEOUT = 180.0  # seconds; a first start with a fresh profile takes a few
SOFFICE_ENV = "GONGKAI_SOFFICE"
_CANDIDATES = (
    "soffice",
    "libreoffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)

NO_SOFFICE = (
    "生成 PDF 需要 LibreOffice，但没有找到它（soffice 命令）。请安装 LibreOffice"
    "（Debian/Ubuntu：sudo apt install libreoffice-writer；其他系统见 https://zh-cn.libreoffice.org），"
    f"或用环境变量 {SOFFICE_ENV} 指定 soffice 的路径；也可以先用 --to docx 生成 Word 文件，再另存为 PDF。"
)


def find_soffice() -> str | None:
    """The LibreOffice program: ``$GONGKAI_SOFFICE``, then ``soffice``/``libreoffice`` and usual places."""
    env = os.environ.get(SOFFICE_ENV, "").strip()
    if env:
        return env if Path(env).is_file() or shutil.which(env) else None
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def installed_families() -> set[str] | None:
    """Font families fontconfig knows, or None when ``fc-list`` is unavailable."""
    fc = shutil.which("fc-list")
    if fc is None:
        return None
    try:
        out = subprocess.run([fc, ":", "family"], capture_output=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families: set[str] = set()
    for line in out.decode("utf-8", "replace").splitlines():
        families.update(f.strip() for f in line.split(",") if f.strip())
    return families


def font_replacements(families: set[str] | None) -> dict[str, str]:
    """First font of each chain → the first installed one, for chains whose first is missing."""
    if families is None:
        return {}
    out: dict[str, str] = {}
    for chain in FONT_CHAINS:
        if chain[0] in families:
            continue
        for alt in chain[1:]:
            if alt in families:
                out[chain[0]] = alt
                break
    return out


def _profile(directory: Path, replacements: dict[str, str]) -> None:
    """A LibreOffice user profile holding only the font replacement table.

    Pairs are written only for fonts that are not installed; they are marked ``Always`` because
    LibreOffice 7.4 ignores the others when converting headless.
    """
    user = directory / "user"
    user.mkdir(parents=True, exist_ok=True)
    pairs = "".join(
        f'<node oor:name="_{i}" oor:op="replace">'
        '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(a)}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(b)}</value></prop>'
        "</node>"
        for i, (a, b) in enumerate(replacements.items())
    )
    xcu = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        f'<prop oor:name="Replacement" oor:op="fuse"><value>{"true" if pairs else "false"}</value></prop></item>\n'
        f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{pairs}</item>\n'
        "</oor:items>\n"
    )
    (user / "registrymodifications.xcu").write_text(xcu, encoding="utf-8")


def docx_to_pdf(data: bytes, *, timeout: float = DEFAULT_TIMEOUT, soffice: str | None = None) -> bytes:
    """Convert DOCX bytes to PDF bytes with LibreOffice. Raises :class:`WriteError`."""
    program = soffice or find_soffice()
    if program is None:
        raise WriteError(NO_SOFFICE)
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as tmp:
        root = Path(tmp)
        src = root / "report.docx"
        src.write_bytes(data)
        out_dir = root / "out"
        out_dir.mkdir()
        profile = root / "profile"
        _profile(profile, font_replacements(installed_families()))
        cmd = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            str(src),
        ]
        env = {**os.environ, "HOME": str(root)}  # LibreOffice writes caches under $HOME
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=tmp,
                start_new_session=True,  # its own process group: a timeout ends all of it
            )
        except OSError as e:
            raise WriteError(f"无法启动 LibreOffice（{program}）：{e.strerror or e}。{NO_SOFFICE}") from e
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise WriteError(
                f"LibreOffice 转换 PDF 超时（超过 {timeout:.0f} 秒），已终止。请稍后重试，"
                "或先用 --to docx 生成 Word 文件再另存为 PDF。"
            ) from None
        pdf = out_dir / "report.pdf"
        if proc.returncode != 0 or not pdf.is_file():
            detail = err.decode("utf-8", "replace").strip().splitlines()
            tail = f"（{detail[-1][:200]}）" if detail else ""
            raise WriteError(
                f"LibreOffice 没有生成 PDF（退出码 {proc.returncode}）{tail}。"
                "请检查 LibreOffice 能否正常运行，或先用 --to docx 生成 Word 文件再另存为 PDF。"
            )
        return pdf.read_bytes()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.communicate()


def write_pdf(report: Report, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The report as PDF bytes (A4, fonts embedded). Needs LibreOffice."""
    program = find_soffice()
    if program is None:  # before the DOCX is built: fail fast
        raise WriteError(NO_SOFFICE)
    return docx_to_pdf(write_docx(report), timeout=timeout, soffice=program)


__all__ = ["NO_SOFFICE", "WriteError", "docx_to_pdf", "find_soffice", "write_pdf"]
