"""Bounds on what a hostile PDF can cost: wall-clock time, memory and decompressed size.

pdfminer is pure Python and has no limits of its own. Two guards keep a bad file from hanging
the reader or exhausting memory:

- :func:`watchdog`: a thread watches the reading thread and raises :class:`Timeout` in it when
  its time is up, or :class:`MemoryLimit` when the process has grown by more than allowed since
  the start (resident set size, polled every 50 ms). It uses CPython's
  ``PyThreadState_SetAsyncExc``: it works in any thread, not only the main one, and is delivered
  at the next Python bytecode, which pdfminer executes all the time. Both exceptions derive
  from ``BaseException`` so that pdfminer's ``except Exception`` blocks cannot swallow them.
- :func:`check_streams`: before pdfminer sees the file, every zlib stream in it is inflated in
  bounded chunks and counted, so a "zip bomb" (a few KB that inflate to gigabytes) is refused
  instead of being inflated in one piece by pdfminer.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
import time
import zlib
from collections.abc import Iterator
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
                    if d.eof or not d.unconsumed_tail:
                        break
                    out = d.decompress(d.unconsumed_tail, _CHUNK)
        except zlib.error:
            pass
        size += stream_size
    return size
