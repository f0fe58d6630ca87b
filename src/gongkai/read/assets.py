"""The pictures a web page refers to: inline (``data:`` URIs) or saved beside the page.

A browser's "save page as" writes ``报告.html`` and a folder (``报告_files/``) with its pictures;
crawlers keep ``images/…``. When the tables of a report are such pictures, the HTML reader asks an
:data:`Assets` function for the bytes of each ``<img>`` and reads them by OCR.

A reference is only ever resolved inside the folder of the page: no URL with a scheme or host
(nothing is fetched), no absolute path, nothing that leaves the folder by ``..`` or a symbolic
link, no file larger than :data:`MAX_PICTURE_BYTES`. Anything else is not found (``None``).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

Assets = Callable[[str], bytes | None]  # an <img> reference -> the picture's bytes, or None

MAX_PICTURE_BYTES = 20 * 1024 * 1024  # a scanned page is a few MB
_DATA_URI = re.compile(r"data:image/[A-Za-z0-9.+-]+(?:;[^,;]*)*?(;base64)?,", re.IGNORECASE)


def data_uri(ref: str) -> bytes | None:
    """The bytes of a ``data:image/…`` URI (base64 or percent-encoded), None if it is not one."""
    m = _DATA_URI.match(ref.strip())
    if m is None:
        return None
    payload = ref.strip()[m.end() :]
    if len(payload) > MAX_PICTURE_BYTES * 4 // 3 + 4:
        return None
    if m.group(1):
        try:
            return base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
        except (binascii.Error, ValueError):
            return None
    return unquote(payload).encode("latin-1", errors="replace")


def inline_assets(ref: str) -> bytes | None:
    """Only pictures inside the page itself (a page read from bytes has no folder)."""
    return data_uri(ref)


def folder_assets(folder: Path) -> Assets:
    """Pictures inline or saved in ``folder`` (the page's own folder) or below it."""
    root = folder.resolve()

    def get(ref: str) -> bytes | None:
        inline = data_uri(ref)
        if inline is not None or ref.strip().lower().startswith("data:"):
            return inline
        parts = urlsplit(ref.strip().replace("\\", "/"))
        if parts.scheme or parts.netloc:  # http:, https:, file:, //host/…: never fetched
            return None
        name = unquote(parts.path)
        if not name or name.startswith("/") or "\x00" in name:
            return None
        try:
            path = (root / name).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                return None
            if path.stat().st_size > MAX_PICTURE_BYTES:
                return None
            return path.read_bytes()
        except (OSError, ValueError):
            return None

    return get
