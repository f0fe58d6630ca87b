"""Bytes to text: BOMs, UTF-8, GB18030/GBK; binary data refused with a clear message."""

from __future__ import annotations

import codecs
import re

from gongkai.errors import InputError

MAX_TEXT_BYTES = 20 * 1024 * 1024  # a report as text is a few tens of KB; 20 MB is generous

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, name: str = "-") -> tuple[str, str]:
    """Decode report text; returns ``(text, encoding)``.

    Tries a BOM, then strict UTF-8, then strict GB18030 (a superset of GBK and GB2312).
    Raises :class:`InputError` for data that is not text in any of these.
    """
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(
            f"文件过大（{len(data) // (1024 * 1024)} MB），不像是一份年度报告的文本；上限为 20 MB。",
            source=name,
        )
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(
                    f"文件以 {enc} 标记开头，但内容无法按该编码解码（第 {e.start} 字节）。", source=name
                ) from e
    if b"\x00" in data[:65536]:
        raise InputError(
            "文件含有二进制数据，不是文本文件；请提供报告的文本、HTML、PDF 或 Word 文件。", source=name
        )
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text, enc
    raise InputError(
        "无法识别文件编码：既不是 UTF-8，也不是 GB18030/GBK。请另存为 UTF-8 文本后重试。", source=name
    )


# control characters other than whitespace, and the private use area
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\ue000-\uf8ff]")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    return len(_BINARY.findall(sample)) / len(sample) > 0.05
