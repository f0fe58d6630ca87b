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
- XML with a DTD or entity declaration is refused (OOXML never has one): no entity is expanded and
  nothing is fetched; the parser has ``huge_tree`` off, so libxml2 keeps its depth (256) and size
  limits and its own entity-amplification check; a part of more than ``MAX_XML_ELEMENTS``
  (1 000 000) elements is refused, which bounds the time of walking it.
"""

from __future__ import annotations

import io
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


def parse_xml(data: bytes, name: str, part: str = "XML") -> etree._Element:
    """Parse untrusted XML. A DTD or entity declaration is refused before and after parsing."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data or b"<!doctype" in head:
        raise InputError(
            f"{part} 含有 DTD 或实体声明（正常的 Office 文档没有），出于安全原因拒绝读取。", source=name
        )
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
