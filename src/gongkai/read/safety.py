"""Limits for untrusted office files: zip bombs, XML entities, oversized input.

Every reader of a zipped format (DOCX, and any other OOXML reader that wants it) opens the
archive with :func:`open_zip` and reads a part with :func:`read_member`; XML is parsed only with
:func:`parse_xml`. Each refusal is an :class:`~gongkai.errors.InputError` with a Chinese message.

Limits (documented in ``docs/formats.md``):

- an office file of at most ``MAX_OFFICE_BYTES`` (100 MB; a report with scanned images is a few MB);
- at most ``MAX_MEMBERS`` (10 000) files in the archive, whose declared uncompressed sizes add up
  to at most ``MAX_TOTAL_UNCOMPRESSED`` (1 GB; nothing but the parts we read is ever inflated);
- a part we read is at most ``MAX_MEMBER_BYTES`` (64 MB) once inflated and, beyond 1 MB, at most
  ``MAX_RATIO`` (200) times its compressed size; both are checked on the declared sizes and again
  while inflating, so that a lying header gains nothing;
- XML with a DTD or entity declaration is refused (OOXML never has one), judged on the text decoded
  as a parser would decode it (byte-order mark, UTF-16/32 layout, declared encoding), so that
  UTF-16 gains nothing (:func:`refuse_declarations`): no entity is expanded and nothing is fetched; the parser has ``huge_tree`` off, so libxml2 keeps its depth (256) and size
  limits and its own entity-amplification check; a part of more than ``MAX_XML_ELEMENTS``
  (1 000 000) elements is refused, which bounds the time of walking it.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from itertools import islice

from lxml import etree

from gongkai.errors import InputError

MAX_OFFICE_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200
MAX_XML_ELEMENTS = 1_000_000  # a long report's document.xml has tens of thousands
RATIO_FLOOR = 1024 * 1024  # parts smaller than this are never refused for their ratio
_CHUNK = 1024 * 1024

_BAD_ZIP = "文件已损坏或不完整（不是有效的 ZIP/Office 压缩包），无法读取；请重新下载或另存后重试。"


def check_size(data: bytes, name: str, kind: str = "Office 文件") -> None:
    if len(data) > MAX_OFFICE_BYTES:
        raise InputError(
            f"{kind}过大（{len(data) // (1024 * 1024)} MB），超过上限 {MAX_OFFICE_BYTES // (1024 * 1024)} MB。",
            source=name,
        )


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The archive, after checking its size, member count and declared uncompressed size."""
    check_size(data, name)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as e:
        raise InputError(_BAD_ZIP, source=name) from e
    except Exception as e:  # struct.error, IndexError…: a malformed central directory
        raise InputError(_BAD_ZIP, source=name) from e
    if len(infos) > MAX_MEMBERS:
        raise InputError(
            f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_MEMBERS}），疑似恶意构造的文件，已拒绝读取。",
            source=name,
        )
    total = sum(max(0, i.file_size) for i in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise InputError(
            f"压缩包解压后过大（声明 {total // (1024 * 1024)} MB，上限 "
            f"{MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)} MB），疑似“压缩炸弹”，已拒绝读取。",
            source=name,
        )
    return zf


def _bomb(name: str, part: str) -> InputError:
    return InputError(
        f"压缩包中的 {part} 解压后过大或压缩比异常（上限 {MAX_MEMBER_BYTES // (1024 * 1024)} MB、"
        f"压缩比 {MAX_RATIO} 倍），疑似“压缩炸弹”，已拒绝读取。",
        source=name,
    )


def _suspicious(size: int, compressed: int) -> bool:
    return size > MAX_MEMBER_BYTES or (size > RATIO_FLOOR and size > MAX_RATIO * max(1, compressed))


def read_member(zf: zipfile.ZipFile, part: str, name: str) -> bytes:
    """One part of the archive, inflated with a cap: never more than ``MAX_MEMBER_BYTES`` in memory."""
    try:
        info = zf.getinfo(part)
    except KeyError as e:
        raise InputError(f"压缩包中缺少 {part}。", source=name) from e
    if info.flag_bits & 0x1:
        raise InputError("文件已加密（设置了打开密码），请去掉密码后另存再试。", source=name)
    if _suspicious(info.file_size, info.compress_size):
        raise _bomb(name, part)
    out = bytearray()
    try:
        with zf.open(info) as f:
            while True:
                chunk = f.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
                if _suspicious(len(out), info.compress_size):
                    raise _bomb(name, part)
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise InputError(_BAD_ZIP, source=name) from e
    except (RuntimeError, NotImplementedError) as e:  # encrypted, unsupported compression
        raise InputError(
            f"压缩包中的 {part} 使用了不支持的压缩或加密方式，无法读取；请用 Word/WPS 另存后重试。",
            source=name,
        ) from e
    except Exception as e:  # anything else zipfile may raise on a corrupt stream
        raise InputError(_BAD_ZIP, source=name) from e
    return bytes(out)


def member_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, size: int = 1024) -> bytes:
    """The first ``size`` bytes of a part (inflating no more than that), to sniff its kind."""
    if info.flag_bits & 0x1:
        raise InputError("文件已加密（设置了打开密码），请去掉密码后另存再试。", source=name)
    try:
        with zf.open(info) as f:
            return f.read(size)
    except Exception as e:  # encrypted, unsupported compression, corrupt stream
        raise InputError(_BAD_ZIP, source=name) from e


def xml_parser() -> etree.XMLParser:
    """A parser that expands no entity, loads no DTD, touches no network and keeps libxml2's limits."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# "<?" (or "<!", "<a") without a byte-order mark, as XML 1.0 appendix F detects it
_UNMARKED = (
    (b"<\0\0\0", "utf-32-le"),
    (b"\0\0\0<", "utf-32-be"),
    (b"<\0", "utf-16-le"),
    (b"\0<", "utf-16-be"),
)
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# any markup declaration: <!DOCTYPE, <!ENTITY, <!ELEMENT, … (comments and CDATA are allowed)
_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[)")


def xml_encoding(data: bytes) -> str | None:
    """The encoding an XML parser would decode ``data`` with (byte-order mark, then the layout of
    the first characters, then the declaration), or ``None`` when Python has no such codec."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    for head, enc in _UNMARKED:
        if data.startswith(head):
            return enc
    m = _DECLARED.match(data[:1024])
    enc = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return codecs.lookup(enc).name
    except LookupError:
        return None


def looks_like_xml(data: bytes) -> bool:
    """Whether a parser would try to read ``data`` as XML (a part of any name may be one)."""
    enc = xml_encoding(data[:1024])
    if enc is None:
        return True  # declares an encoding we cannot check: treat it as XML, and refuse it
    head = data[:64].decode(enc, errors="ignore").lstrip("\ufeff \t\r\n")
    return head.startswith("<")


def refuse_declarations(data: bytes, name: str, part: str = "XML") -> None:
    """Refuse XML with a DTD, an entity or any other markup declaration, judged on the decoded
    text whatever its encoding (UTF-8, UTF-16, UTF-32, or the one it declares): a byte search
    for ``<!ENTITY`` misses the same text in UTF-16."""
    enc = xml_encoding(data)
    if enc is None:
        raise InputError(f"{part} 声明了无法识别的字符编码，出于安全原因拒绝读取。", source=name)
    text = data.decode(enc, errors="replace")
    if _DECLARATION.search(text):
        raise InputError(
            f"{part} 含有 DTD 或实体声明（正常的 Office 文档没有），出于安全原因拒绝读取。", source=name
        )


def parse_xml(data: bytes, name: str, part: str = "XML") -> etree._Element:
    """Parse untrusted XML. A DTD or entity declaration is refused before and after parsing."""
    refuse_declarations(data, name, part)
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as e:
        raise InputError(f"{part} 不是格式正确的 XML（文件可能已损坏），无法读取。", source=name) from e
    except (ValueError, etree.LxmlError) as e:
        raise InputError(f"{part} 无法解析（文件可能已损坏）。", source=name) from e
    if root is None:
        raise InputError(f"{part} 为空，无法读取。", source=name)
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype:
        raise InputError(
            f"{part} 含有 DTD 或实体声明（正常的 Office 文档没有），出于安全原因拒绝读取。", source=name
        )
    if sum(1 for _ in islice(root.iter(), MAX_XML_ELEMENTS + 1)) > MAX_XML_ELEMENTS:
        raise InputError(
            f"{part} 的元素过多（超过 {MAX_XML_ELEMENTS} 个），不像是一份年度报告，已拒绝读取。", source=name
        )
    return root
