"""Bounds on what a hostile PDF can cost: wall-clock time and decompressed size.

pdfminer is pure Python and has no limits of its own. Two guards keep a bad file from hanging
the reader or exhausting memory:

- :func:`deadline`: a watchdog thread raises :class:`Timeout` in the reading thread when time is
  up (CPython's ``PyThreadState_SetAsyncExc``: it works in any thread, not only the main one,
  and is delivered at the next Python bytecode, which pdfminer executes all the time).
  ``Timeout`` derives from ``BaseException`` so that pdfminer's ``except Exception`` blocks
  cannot swallow it.
- :func:`check_streams`: before pdfminer sees the file, every zlib stream in it is inflated in
  bounded chunks and counted, so a "zip bomb" (a few KB that inflate to gigabytes) is refused
  instead of being inflated in one piece by pdfminer.
"""

from __future__ import annotations

import ctypes
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager


class Timeout(BaseException):  # noqa: N818 - not an error class: a signal to stop
    """Raised asynchronously in the reading thread when its time is up."""


class TooLarge(Exception):  # noqa: N818
    """A stream inflates to more than the limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} > {limit}")
        self.size = size
        self.limit = limit


def _set_async_exc(thread: int, exc: type[BaseException] | None) -> None:
    """Schedule ``exc`` in ``thread`` (``None``: clear a scheduled one)."""
    arg = ctypes.py_object(exc) if exc is not None else None  # None is passed as NULL
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), arg)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Timeout` inside the ``with`` block after ``seconds`` of wall-clock time.

    The exception may surface anywhere in the block (or, at worst, in this context manager's
    exit): callers catch ``Timeout`` around the whole ``with`` statement.
    """
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                _set_async_exc(target, Timeout)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["active"] = False
            if state["fired"]:
                # Fired but perhaps not yet delivered: clear it so it cannot hit the caller later.
                _set_async_exc(target, None)
                fired = True
            else:
                fired = False
        if fired:
            raise Timeout


_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 16


def check_streams(data: bytes, per_stream: int, total: int) -> int:
    """Inflate every zlib stream of ``data`` without keeping it; return the total size.

    Raises :class:`TooLarge` when one stream inflates to more than ``per_stream`` bytes or all
    together to more than ``total``. Streams that are not zlib (images, encrypted data) stop at
    once. The data is scanned by the ``stream`` keyword, not parsed: a rough but cheap bound.
    """
    size = 0
    for m in _STREAM.finditer(data):
        start = m.end()
        if start + 2 > len(data) or data[start] & 0x0F != 8 or (data[start] << 8 | data[start + 1]) % 31:
            continue  # not a zlib header: an image, encrypted data, or not a stream at all
        d = zlib.decompressobj()
        pos = start
        stream_size = 0
        try:
            while not d.eof and pos < len(data):
                chunk = data[pos : pos + _CHUNK]
                pos += len(chunk)
                out = d.decompress(chunk, _CHUNK)
                while True:
                    stream_size += len(out)
                    if stream_size > per_stream:
                        raise TooLarge(stream_size, per_stream)
                    if size + stream_size > total:
                        raise TooLarge(size + stream_size, total)
                    if not d.unconsumed_tail:
                        break
                    out = d.decompress(d.unconsumed_tail, _CHUNK)
        except zlib.error:
            pass
        size += stream_size
    return size
