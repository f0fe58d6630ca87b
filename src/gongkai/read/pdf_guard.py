"""Bounds on what a hostile PDF can cost: wall-clock time, memory and decompressed size.

pdfminer is pure Python and has no limits of its own. Two guards keep a bad file from hanging
the reader or exhausting memory:

- :func:`watchdog`: a thread watches the reading thread and raises :class:`Timeout` in it when
  its time is up, or :class:`MemoryLimit` when the process has grown by more than allowed since
  the start (resident set size, polled every 50 ms). It uses CPython's
  ``PyThreadState_SetAsyncExc``: it works in any thread, not only the main one, and is delivered
  at the next Python bytecode, which pdfminer executes all the time. Both exceptions derive
  from ``BaseException`` so that pdfminer's ``except Exception`` blocks cannot swallow them.
- :func:`check_streams`: before pdfminer sees the file, every stream in it is decoded through
  its filter chain (Flate, ASCIIHex, ASCII85, RunLength, LZW, in any order) in bounded chunks
  and counted, so a "zip bomb" (a few KB that inflate to gigabytes), bare or behind another
  filter, is refused instead of being inflated in one piece by pdfminer.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager


class Timeout(BaseException):
    """Raised asynchronously in the reading thread when its time is up."""


class MemoryLimit(BaseException):
    """Raised asynchronously in the reading thread when the process has grown too much."""


class TooLarge(Exception):
    """A stream inflates to more than the limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} > {limit}")
        self.size = size
        self.limit = limit


def _set_async_exc(thread: int, exc: type[BaseException] | None) -> None:
    """Schedule ``exc`` in ``thread`` (``None``: clear a scheduled one)."""
    arg = ctypes.py_object(exc) if exc is not None else None  # None is passed as NULL
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), arg)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss() -> int | None:
    """The process's resident set size in bytes (Linux: /proc), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


POLL = 0.05  # seconds between two looks at the clock and the memory


@contextmanager
def watchdog(seconds: float, memory: int | None = None) -> Iterator[None]:
    """Raise :class:`Timeout` inside the ``with`` block after ``seconds`` of wall-clock time, or
    :class:`MemoryLimit` once the process's memory has grown by more than ``memory`` bytes
    (where the resident size can be read; elsewhere only time is watched).

    The exception may surface anywhere in the block (or, at worst, in this context manager's
    exit): callers catch it around the whole ``with`` statement.
    """
    target = threading.get_ident()
    lock = threading.Lock()
    stop = threading.Event()
    fired: list[type[BaseException]] = []
    base = rss() if memory is not None else None
    end = time.monotonic() + seconds

    def watch() -> None:
        while not stop.wait(min(POLL, max(0.0, end - time.monotonic()))):
            exc: type[BaseException] | None = None
            if time.monotonic() >= end:
                exc = Timeout
            elif (
                base is not None and memory is not None and (now := rss()) is not None and now - base > memory
            ):
                exc = MemoryLimit
            if exc is not None:
                with lock:
                    if not stop.is_set():
                        fired.append(exc)
                        _set_async_exc(target, exc)
                return

    thread = threading.Thread(target=watch, name="gongkai-pdf-watchdog", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with lock:
            stop.set()
            if fired:
                # Fired but perhaps not yet delivered: clear it so it cannot hit the caller later.
                _set_async_exc(target, None)
        thread.join()
        if fired:
            raise fired[0]


def deadline(seconds: float) -> AbstractContextManager[None]:
    """:func:`watchdog` for time only."""
    return watchdog(seconds)


_STREAM = re.compile(rb"stream\r?\n")
_ENDSTREAM = b"endstream"
_CHUNK = 1 << 16
_DICT_WINDOW = 4096  # bytes before ``stream`` searched for the stream's /Filter
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+|\d+\s+\d+\s+R)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_REF = re.compile(rb"(\d+)\s+(\d+)\s+R")

Decoder = Callable[[Iterator[bytes]], Iterator[bytes]]


def _flate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    d = zlib.decompressobj()
    try:
        for chunk in chunks:
            out = d.decompress(chunk, _CHUNK)
            while True:
                if out:
                    yield out
                if d.eof or not d.unconsumed_tail:
                    break
                out = d.decompress(d.unconsumed_tail, _CHUNK)
            if d.eof:
                return
    except zlib.error:
        return  # pdfminer keeps what inflated before the damage; so does the count


_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


def _ascii_hex(chunks: Iterator[bytes]) -> Iterator[bytes]:
    odd = b""
    for chunk in chunks:
        end = chunk.find(b">")
        digits = odd + bytes(c for c in (chunk if end < 0 else chunk[:end]) if c in _HEX_DIGITS)
        odd = digits[len(digits) // 2 * 2 :]
        if len(digits) >= 2:
            yield bytes.fromhex(digits[: len(digits) // 2 * 2].decode("ascii"))
        if end >= 0:
            break
    if odd:
        yield bytes.fromhex(odd.decode("ascii") + "0")


def _ascii85(chunks: Iterator[bytes]) -> Iterator[bytes]:
    group: list[int] = []
    for chunk in chunks:
        out = bytearray()
        end = chunk.find(b"~")
        for c in chunk if end < 0 else chunk[:end]:
            if c == 0x7A and not group:  # "z": four zero bytes
                out += b"\0\0\0\0"
            elif 0x21 <= c <= 0x75:
                group.append(c - 33)
                if len(group) == 5:
                    n = 0
                    for v in group:
                        n = n * 85 + v
                    out += (n & 0xFFFFFFFF).to_bytes(4, "big")
                    group = []
        if out:
            yield bytes(out)
        if end >= 0:
            break
    if len(group) > 1:
        k = len(group)
        n = 0
        for v in group + [84] * (5 - k):
            n = n * 85 + v
        yield (n & 0xFFFFFFFF).to_bytes(4, "big")[: k - 1]


def _run_length(chunks: Iterator[bytes]) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        buf = pending + chunk
        out = bytearray()
        i = 0
        while i < len(buf):
            n = buf[i]
            if n == 128:
                if out:
                    yield bytes(out)
                return
            if n < 128:
                if i + 1 + n + 1 > len(buf):
                    break
                out += buf[i + 1 : i + 2 + n]
                i += 2 + n
            else:
                if i + 1 >= len(buf):
                    break
                out += buf[i + 1 : i + 2] * (257 - n)
                i += 2
            if len(out) >= _CHUNK:
                yield bytes(out)
                out = bytearray()
        pending = buf[i:]
        if out:
            yield bytes(out)


def _lzw(chunks: Iterator[bytes]) -> Iterator[bytes]:
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    width = 9
    bits = 0
    nbits = 0
    prev: bytes | None = None
    out = bytearray()
    for chunk in chunks:
        for byte in chunk:
            bits = (bits << 8) | byte
            nbits += 8
            while nbits >= width:
                nbits -= width
                code = (bits >> nbits) & ((1 << width) - 1)
                bits &= (1 << nbits) - 1
                if code == 256:  # clear table
                    del table[258:]
                    width = 9
                    prev = None
                    continue
                if code == 257:  # end of data
                    if out:
                        yield bytes(out)
                    return
                if prev is None:
                    entry = table[code] if code < len(table) else b""
                else:
                    if code < len(table):
                        entry = table[code]
                    elif code == len(table):
                        entry = prev + prev[:1]
                    else:
                        if out:
                            yield bytes(out)
                        return  # corrupt: pdfminer stops here too
                    if len(table) < 4096:
                        table.append(prev + entry[:1])
                out += entry
                prev = entry
                if len(table) >= (1 << width) - 1 and width < 12:  # early change (the default)
                    width += 1
                if len(out) >= _CHUNK:
                    yield bytes(out)
                    out = bytearray()
    if out:
        yield bytes(out)


DECODERS: dict[bytes, Decoder] = {
    b"FlateDecode": _flate,
    b"Fl": _flate,
    b"ASCIIHexDecode": _ascii_hex,
    b"AHx": _ascii_hex,
    b"ASCII85Decode": _ascii85,
    b"A85": _ascii85,
    b"RunLengthDecode": _run_length,
    b"RL": _run_length,
    b"LZWDecode": _lzw,
    b"LZW": _lzw,
}


def _names(text: bytes) -> list[bytes]:
    return [_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), n) for n in _NAME.findall(text)]


def stream_filters(data: bytes, start: int) -> list[bytes] | None:
    """The filter chain of the stream whose data begins at ``start``, from the ``/Filter`` of its
    dictionary (a name, an array, or a reference to either), or ``None`` when it declares none."""
    window = data[max(0, start - _DICT_WINDOW) : start]
    head = window.rfind(b"obj")  # the stream's own object, not an earlier one
    found = list(_FILTER.finditer(window[head + 3 :] if head >= 0 else window))
    if not found:
        return None
    value = found[-1].group(1)
    ref = _REF.fullmatch(value)
    if ref:
        target = re.search(rb"(?<!\d)%s\s+%s\s+obj\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)" % ref.groups(), data)
        if target is None:
            return [b"?"]  # unresolved: counted as an unknown filter
        value = target.group(1)
    return _names(value)


def _pieces(data: bytes, start: int, end: int) -> Iterator[bytes]:
    for pos in range(start, end, _CHUNK):
        yield data[pos : min(end, pos + _CHUNK)]


def _counted(chunks: Iterator[bytes], limit: int, so_far: list[int]) -> Iterator[bytes]:
    """Pass ``chunks`` on, raising :class:`TooLarge` once they add up to more than ``limit``."""
    n = 0
    for chunk in chunks:
        n += len(chunk)
        if n > limit:
            raise TooLarge(n, limit)
        so_far[0] = n
        yield chunk


def check_streams(data: bytes, per_stream: int, total: int) -> int:
    """Decode every stream of ``data`` without keeping it; return the total decoded size.

    Each stream is decoded through its whole filter chain (``/Filter`` of its dictionary:
    FlateDecode, ASCIIHexDecode, ASCII85Decode, RunLengthDecode, LZWDecode in any order, as a
    name, an array or a reference), in bounded chunks, and every stage is counted: a Flate bomb
    behind an ASCIIHex filter is found like a bare one. A stream with no ``/Filter`` found is
    still inflated when it begins like zlib data. Filters that pdfminer does not expand while
    reading text (images: DCT, JPX, CCITT, JBIG2) end the chain. Raises :class:`TooLarge` when
    a stage of one stream decodes to more than ``per_stream`` bytes, or the final stages of all
    together to more than ``total``. The data is scanned by the ``stream`` keyword, not parsed:
    a rough but cheap bound.
    """
    size = 0
    for m in _STREAM.finditer(data):
        if data[max(0, m.start() - 3) : m.start()] == b"end":
            continue  # "endstream": the end of a stream, not the start of one
        start = m.end()
        end = data.find(_ENDSTREAM, start)
        end = len(data) if end < 0 else end
        filters = stream_filters(data, start)
        if filters is None:
            if start + 2 > len(data) or data[start] & 0x0F != 8 or (data[start] << 8 | data[start + 1]) % 31:
                continue  # not a zlib header: an image, encrypted data, or not a stream at all
            filters = [b"FlateDecode"]
        chain: Iterator[bytes] = _pieces(data, start, end)
        final = [0]
        for name in filters:
            decoder = DECODERS.get(name)
            if decoder is None:
                break
            final = [0]
            chain = _counted(decoder(chain), min(per_stream, total - size), final)
        for _ in chain:
            pass
        size += final[0]
    return size
