"""Ingest: files and folders in, one transaction per report out.

Parsing runs in a pool of processes (``jobs``, default the machine's cores); this process is
the only writer. Each report is written in one transaction (report, original bytes, cells,
findings, cross-year findings of its neighbours), so a killed ingest leaves either the whole
report or nothing, and running it again picks up where it stopped: a file whose sha256 is
already stored is skipped without being parsed.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

import sqlalchemy as sa

from gongkai.errors import GongkaiError
from gongkai.model.report import Report
from gongkai.store import crossyear
from gongkai.store import schema as s
from gongkai.store.agencies import Directory, StaleDirectory, now
from gongkai.store.db import Database, is_transient, run_writing, using
from gongkai.store.figures import figures_row, insert_figures, refresh_figures
from gongkai.store.values import to_text

# --- outcomes ------------------------------------------------------------------------------

ADDED, VERSION, DUPLICATE, REFUSED, BUG = "added", "version", "duplicate", "refused", "bug"
COPY = "copy"  # the same report as one stored (agency, year, edition, every known value), another file


@dataclass
class Parsed:
    """What a worker hands the writer for one file (picklable)."""

    path: str
    sha256: str = ""
    data: bytes | None = None
    doc: dict[str, Any] | None = None  # the parse JSON without "tables"
    cells: list[tuple[Any, ...]] | None = None
    findings: list[dict[str, Any]] | None = None
    agency: str | None = None
    year: int | None = None
    error: str | None = None
    bug: bool = False
    known: bool = False  # the sha256 was already stored: not parsed


@dataclass
class Written:
    path: str
    outcome: str
    report_id: int | None = None
    message: str | None = None
    followups: list[Any] = field(default_factory=list)  # corrections.Followup, for a new version


@dataclass
class IngestSummary:
    files: int = 0
    added: list[int] = field(default_factory=list)  # report ids, new versions included
    versions: int = 0  # of the added, how many are a further version of an agency's year
    duplicates: list[str] = field(default_factory=list)
    copies: list[tuple[str, int]] = field(default_factory=list)  # path, the stored report it copies
    # corrections of superseded versions: (path, Followup); outcome carried / printed / review
    followups: list[tuple[str, Any]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # path, reason (Chinese)
    bugs: int = 0
    findings: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0: every file stored or already present; 2: some refused; 3: an internal error."""
        if self.bugs:
            return 3
        return 2 if self.refused else 0


# --- files ---------------------------------------------------------------------------------


def collect(
    paths: Iterable[str | Path], exclude: Iterable[Path] = ()
) -> tuple[list[str], list[tuple[str, str]]]:
    """Files to ingest, folders walked recursively (hidden entries skipped), in sorted order
    within each folder; and the paths refused at once (absent, unreadable)."""
    skip = {p.resolve() for p in exclude}
    files: list[str] = []
    refused: list[tuple[str, str]] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        r = p.resolve()
        if r in skip or r in seen:
            return
        seen.add(r)
        files.append(str(p))

    for spec in paths:
        p = Path(spec)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    if not n.startswith("."):
                        add(Path(root) / n)
        elif p.exists():
            add(p)
        else:
            refused.append((str(spec), "文件不存在。"))
    return files, refused


def _db_files(db: Database) -> list[Path]:
    u = sa.engine.make_url(db.url)
    if u.get_backend_name() != "sqlite" or not u.database:
        return []
    base = Path(u.database)
    return [base, *(base.with_name(base.name + x) for x in ("-wal", "-shm", "-journal"))]


# --- the workers ---------------------------------------------------------------------------

_KNOWN: frozenset[str] = frozenset()
_AGENCY: str | None = None
_YEAR: int | None = None
_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """End this worker when the ingest that started it ends, even by SIGKILL: the kernel's
    parent-death signal on Linux, and a thread watching the parent everywhere (it also covers
    the moment before the signal was armed)."""
    import ctypes
    import signal
    import threading
    import time

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="gongkai-parent-watch", daemon=True).start()


def _init_worker(
    known: frozenset[str], agency: str | None, year: int | None, parent: int | None = None
) -> None:
    global _KNOWN, _AGENCY, _YEAR
    _KNOWN, _AGENCY, _YEAR = known, agency, year
    if parent is not None:
        _die_with(parent)


def _read(path: str) -> bytes:
    """The file's bytes, refused before reading beyond ``parse``'s limit
    (``gongkai.api.MAX_INPUT_BYTES``): the size is checked first and the read is bounded, so a
    file that is larger than it said (or grows) never fills the memory."""
    from gongkai.api import MAX_INPUT_BYTES

    limit_mb = MAX_INPUT_BYTES // (1024 * 1024)
    too_large = f"文件过大，不像是一份年度报告；上限为 {limit_mb} MB。"
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise GongkaiError("这是一个目录，不是文件。")
        if not stat.S_ISREG(st.st_mode):
            raise GongkaiError("不是普通文件（如设备、管道），不读取。")
        if st.st_size > MAX_INPUT_BYTES:
            raise GongkaiError(
                f"文件过大（{st.st_size // (1024 * 1024)} MB），不像是一份年度报告；上限为 {limit_mb} MB。"
            )
        with open(path, "rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise GongkaiError(too_large)
        return data
    except FileNotFoundError:
        raise GongkaiError("文件不存在。") from None
    except IsADirectoryError:
        raise GongkaiError("这是一个目录，不是文件。") from None
    except PermissionError:
        raise GongkaiError("没有读取该文件的权限。") from None
    except OSError as e:
        raise GongkaiError(f"无法读取文件：{e.strerror or e}。") from None


def _report_of(data: bytes, name: str, folder: Path | None = None) -> Report:
    """The report in a file: gongkai's own JSON (``parse --json``) or any format ``parse``
    reads (a web page with the pictures saved in ``folder``); a 填报 workbook with no number
    filled in is refused, not stored empty."""
    from gongkai.api import read_bytes
    from gongkai.read.assets import folder_assets
    from gongkai.write.load import looks_json, report_from_json

    if looks_json(data):
        return report_from_json(data, name)
    report = read_bytes(data, name, folder_assets(folder) if folder is not None else None)
    filled = any(c.value is not None or c.candidates for _, c in report.cells())
    if report.source.format == "xlsx" and not filled:
        raise GongkaiError(
            "这是一张还没有填写数字的 Excel 填报表（gongkai template 生成），不入库；请填好统计表后再导入。"
        )
    return report


def parse_file(path: str) -> Parsed:
    """Read, parse and check one file (in a worker)."""
    from gongkai.check import check_report

    try:
        data = _read(path)
        sha = hashlib.sha256(data).hexdigest()
        if sha in _KNOWN:
            return Parsed(path, sha, known=True)
        report = _report_of(data, Path(path).name, Path(path).parent)
        if _AGENCY:
            report.meta.agency = _AGENCY
        if _YEAR:
            report.meta.year = _YEAR
        if not report.meta.agency:
            raise GongkaiError("未能从标题或正文中确定发布机关，无法按机关归档；可用 --agency 指定机关名称。")
        if not report.meta.year:
            raise GongkaiError("未能从标题或正文中确定报告年度，无法按年度归档；可用 --year 指定年度。")
        report.findings = check_report(report)
        return prepare(report, path, data)
    except GongkaiError as e:
        return Parsed(path, error=e.message)
    except Exception as e:  # a bug in a reader: reported, the other files go on
        return Parsed(path, error=f"内部错误（{type(e).__name__}: {e}），请把该文件报告给开发者。", bug=True)


def _json_text(obj: Any) -> str | None:
    return None if obj is None else json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def prepare(report: Report, path: str, data: bytes) -> Parsed:
    """A checked report as rows for the writer."""
    doc = report.to_json_dict()
    tables = doc.pop("tables")
    rows: list[tuple[Any, ...]] = []
    for t, trows in tables.items():
        for r, cols in trows.items():
            for c, cell in cols.items():
                v = cell["value"]
                rows.append(
                    (
                        f"{t}.{r}.{c}",
                        t,
                        r,
                        c,
                        None if v is None else str(v),
                        cell["status"],
                        cell["raw"],
                        _json_text(cell.get("at")),
                        _json_text(cell.get("candidates")),
                    )
                )
    rows.sort()  # in key order: appended to the cells B-tree, its pages stay full
    found = [
        {
            "rule": f["rule"],
            "severity": f["severity"],
            "cells": f["cells"],
            "message": f["message"],
            "at": f.get("at"),
            "origin": "check",
            "other_report_id": None,
        }
        for f in doc["findings"]
    ]
    return Parsed(
        path,
        report.source.sha256,
        data,
        doc,
        rows,
        found,
        agency=report.meta.agency,
        year=report.meta.year,
    )


# --- the writer ----------------------------------------------------------------------------


# The writer's statements, built once (building them per report costs more than running them).
_r = s.reports.c
_LAST_VERSION = sa.select(sa.func.max(_r.version)).where(
    _r.agency_id == sa.bindparam("agency_id"), _r.year == sa.bindparam("year")
)
_NOT_CURRENT = (
    sa.update(s.reports)
    .where(_r.agency_id == sa.bindparam("b_agency"), _r.year == sa.bindparam("b_year"), _r.is_current)
    .values(is_current=False)
)
_INSERT_REPORT = sa.insert(s.reports).returning(_r.id)
_INSERT_ORIGINAL = sa.insert(s.originals)
_INSERT_FINDING = sa.insert(s.findings)
_NEIGHBOURS = (
    sa.select(sa.func.count())
    .select_from(s.reports)
    .where(
        _r.agency_id == sa.bindparam("agency_id"),
        _r.year.in_([sa.bindparam("before"), sa.bindparam("after")]),
        _r.is_current,
    )
)


class Writer:
    """The single writer: one transaction per report."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.engine.connect() as conn:
            self.directory = Directory.load(conn)
            self.known: set[str] = set(conn.execute(sa.select(s.reports.c.sha256)).scalars())
            self.known.update(conn.execute(sa.select(s.report_copies.c.sha256)).scalars())

    def write(self, p: Parsed) -> Written:
        if p.error is not None:
            return Written(p.path, BUG if p.bug else REFUSED, message=p.error)
        if p.known or p.sha256 in self.known:
            return Written(p.path, DUPLICATE)
        assert p.doc is not None and p.cells is not None and p.findings is not None and p.data is not None
        assert p.agency and p.year

        stored_meanwhile = stale = False

        def work(conn: sa.Connection) -> Written:
            if stale:  # beaten once by another writer changing agencies: lock them first
                self.directory.lock(conn)
            else:
                self.directory.sync(conn)  # another ingest may have added agencies meanwhile
            return self._insert(conn, p)

        def retry_on(e: BaseException) -> bool:
            nonlocal stored_meanwhile, stale
            stale = stale or isinstance(e, StaleDirectory)
            if isinstance(e, sa.exc.IntegrityError) and self._stored(p.sha256):
                stored_meanwhile = True  # the same file, by another ingest
                return False
            # another writer won a race (a version number, an agency): run it again
            return is_transient(e) or isinstance(e, (StaleDirectory, sa.exc.IntegrityError))

        try:
            w = run_writing(self.db.engine, work, retry_on=retry_on, before_retry=self._reload)
        except sa.exc.IntegrityError:
            self._reload()
            if stored_meanwhile:
                self.known.add(p.sha256)
                return Written(p.path, DUPLICATE)
            raise
        except BaseException:
            self._reload()
            raise
        self.known.add(p.sha256)
        return w

    def _stored(self, sha256: str) -> bool:
        with self.db.engine.connect() as conn:
            return any(conn.execute(q, {"sha": sha256}).first() for q in _STORED)

    def _reload(self) -> None:
        with self.db.engine.connect() as conn:
            self.directory.reload(conn)

    def _insert(self, conn: sa.Connection, p: Parsed) -> Written:
        assert p.doc is not None and p.cells is not None and p.findings is not None and p.data is not None
        assert p.agency and p.year
        if conn.dialect.name == "postgresql":  # see docs/store.md: a server crash may undo the
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")  # last commits, never half of one
        if any(conn.execute(q, {"sha": p.sha256}).first() for q in _STORED):
            return Written(p.path, DUPLICATE)  # stored by another ingest since this one started
        evidence = (p.doc["meta"].get("title"), p.doc["meta"].get("region"))  # to place the agency
        agency_id = self.directory.resolve(conn, p.agency, evidence, p.year)
        if conn.dialect.name == "postgresql":  # one writer at a time per agency and year (SQLite:
            # BEGIN IMMEDIATE already), so that versions, copies and this file's hash are decided
            # on what the others committed
            conn.execute(_AGENCY_YEAR_LOCK, {"k": agency_id * 10_000 + p.year})
            if any(conn.execute(q, {"sha": p.sha256}).first() for q in _STORED):
                return Written(p.path, DUPLICATE)
        key = {"agency_id": agency_id, "year": p.year}
        last = conn.execute(_LAST_VERSION, key).scalar()
        version = (last or 0) + 1
        previous: int | None = None
        if last:
            printed = known_values(p)
            same = same_report(conn, agency_id, p.year, p.doc["meta"]["edition"], printed)
            if same is not None:
                _insert_copy(conn, same, p)
                return Written(p.path, COPY, same)
            previous = conn.execute(_CURRENT, key).scalar()
            conn.execute(_NOT_CURRENT, {"b_agency": agency_id, "b_year": p.year})
        meta, source = p.doc["meta"], p.doc["source"]
        rid = conn.execute(
            _INSERT_REPORT,
            {
                **key,
                "edition": meta["edition"],
                "version": version,
                "is_current": True,
                "source_name": source["name"],
                "source_format": source["format"],
                "sha256": p.sha256,
                "size": len(p.data),
                "title": meta.get("title"),
                "printed_agency": meta.get("agency"),
                "parsed": p.doc,
                "ingested_at": now(),
            },
        ).scalar_one()
        conn.execute(_INSERT_ORIGINAL, {"report_id": rid, "data": p.data})
        insert_cells(conn, rid, p.cells)
        insert_figures(conn, figures_row(rid, p.year, meta["edition"], {c[0]: (c[4], c[5]) for c in p.cells}))
        if p.findings:
            conn.execute(_INSERT_FINDING, [{**f, "report_id": rid} for f in p.findings])
        neighbours = conn.execute(_NEIGHBOURS, {**key, "before": p.year - 1, "after": p.year + 1}).scalar()
        if neighbours or version > 1:  # else there is nothing to compare with and nothing to clear
            crossyear.refresh(conn, agency_id, (p.year, p.year + 1))
        followups = []
        if previous is not None:  # corrections of the superseded version: carried or flagged
            from gongkai.store.corrections import carry_forward, recheck

            followups = carry_forward(conn, previous, rid, printed)
            if any(f.outcome == "carried" for f in followups):
                recheck(conn, rid)
                refresh_figures(conn, rid)  # the carried corrections in the figures analyses read
        return Written(p.path, VERSION if version > 1 else ADDED, rid, followups=followups)


_AGENCY_YEAR_LOCK = sa.text("SELECT pg_advisory_xact_lock(74185, CAST(:k % 2147483647 AS INTEGER))")
_STORED = tuple(
    sa.select(table.c.sha256).where(table.c.sha256 == sa.bindparam("sha"))
    for table in (s.reports, s.report_copies)
)
_CURRENT = sa.select(_r.id).where(
    _r.agency_id == sa.bindparam("agency_id"), _r.year == sa.bindparam("year"), _r.is_current
)


def known_values(p: Parsed) -> dict[str, str | None]:
    """address → the value text of a parsed report's cell, None when not read or inferred."""
    assert p.cells is not None
    return {row[0]: row[4] if row[5] in ("read", "inferred") else None for row in p.cells}


def same_report(
    conn: sa.Connection, agency_id: int, year: int, edition_key: str, printed: dict[str, str | None]
) -> int | None:
    """The stored report of this agency and year that has the same edition and every cell's
    value the same (known or not): the same report in another file (a PDF and its web page,
    the text re-saved with other line endings). The current version first."""
    c = s.cells.c
    ids = conn.execute(
        sa.select(_r.id)
        .where(_r.agency_id == agency_id, _r.year == year, _r.edition == edition_key)
        .order_by(_r.is_current.desc(), _r.id.desc())
    ).scalars()
    for rid in ids:
        stored = {
            row.address: row.value if row.status in ("read", "inferred") else None
            for row in conn.execute(sa.select(c.address, c.value, c.status).where(c.report_id == rid))
        }
        if stored == printed:
            return int(rid)
    return None


def _insert_copy(conn: sa.Connection, report_id: int, p: Parsed) -> None:
    assert p.doc is not None and p.data is not None
    conn.execute(
        sa.insert(s.report_copies).values(
            report_id=report_id,
            sha256=p.sha256,
            source_name=p.doc["source"]["name"],
            source_format=p.doc["source"]["format"],
            size=len(p.data),
            ingested_at=now(),
        )
    )


CELL_COLUMNS = (
    "report_id",
    "address",
    "table_key",
    "row_key",
    "column_key",
    "value",
    "status",
    "raw",
    "at",
    "candidates",
)


def insert_cells(conn: sa.Connection, report_id: int, rows: list[tuple[Any, ...]]) -> None:
    """Cell rows in bulk, below SQLAlchemy's per-row parameter processing: ``executemany`` on
    SQLite, ``COPY`` on PostgreSQL (every value is text or NULL already)."""
    data = [(report_id, *row) for row in rows]
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY cells ({', '.join(CELL_COLUMNS)}) FROM STDIN") as copy:
            for row in data:
                copy.write_row(row)
        return
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in CELL_COLUMNS)
        conn.exec_driver_sql(f"INSERT INTO cells ({', '.join(CELL_COLUMNS)}) VALUES ({marks})", data)
        return
    conn.execute(sa.insert(s.cells), [dict(zip(CELL_COLUMNS, row, strict=True)) for row in data])


# --- the run -------------------------------------------------------------------------------

Progress = Callable[[int, int, Written], None]  # done, total, what happened to the last file


def _parsed_stream(
    files: list[str], jobs: int, known: frozenset[str], agency: str | None, year: int | None
) -> Iterator[Parsed]:
    """Parsed files in the order given; ``jobs`` worker processes, or this one when 1."""
    if jobs <= 1 or len(files) <= 1:
        _init_worker(known, agency, year)
        try:
            for f in files:
                yield parse_file(f)
        finally:
            _init_worker(frozenset(), None, None)
        return
    window: deque[tuple[str, Future[Parsed]]] = deque()
    todo = iter(files)
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(known, agency, year, os.getpid())
    ) as pool:
        try:
            while True:
                while len(window) < jobs * 4:
                    f = next(todo, None)  # type: ignore[assignment]
                    if f is None:
                        break
                    window.append((f, pool.submit(parse_file, f)))
                if not window:
                    return
                path, fut = window.popleft()
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    yield Parsed(
                        path, error="内部错误（解析进程意外退出），请把该文件报告给开发者。", bug=True
                    )
                    rest = [p for p, _ in window] + list(todo)
                    window.clear()
                    for other in rest:
                        yield Parsed(other, error="解析进程意外退出，未处理；请重新运行 ingest。", bug=True)
                    return
        finally:
            for _, fut in window:
                fut.cancel()


def ingest(
    db: Database | str | Path | None,
    paths: Iterable[str | Path],
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    agency: str | None = None,
    year: int | None = None,
) -> IngestSummary:
    """Ingest files and folders; see the module docstring. ``agency``/``year`` override what
    the reader found, for every file."""
    start = perf_counter()
    with using(db) as store:
        summary = _ingest(store, paths, jobs, progress, agency, year)
    summary.seconds = perf_counter() - start
    return summary


def _ingest(
    db: Database,
    paths: Iterable[str | Path],
    jobs: int | None,
    progress: Progress | None,
    agency: str | None,
    year: int | None,
) -> IngestSummary:
    files, refused = collect(paths, exclude=_db_files(db))
    summary = IngestSummary(files=len(files) + len(refused), refused=list(refused))
    writer = Writer(db)
    db.engine.dispose()  # no open connection is inherited by the worker processes
    jobs = max(1, jobs or os.cpu_count() or 1)
    stream = _parsed_stream(files, jobs, frozenset(writer.known), agency, year)
    for done, parsed in enumerate(stream, start=1):
        w = writer.write(parsed)
        if w.outcome in (ADDED, VERSION):
            summary.added.append(w.report_id or 0)
            summary.versions += w.outcome == VERSION
            summary.followups += [(w.path, f) for f in w.followups]
        elif w.outcome == DUPLICATE:
            summary.duplicates.append(w.path)
        elif w.outcome == COPY:
            summary.copies.append((w.path, w.report_id or 0))
        else:
            summary.refused.append((w.path, w.message or ""))
            summary.bugs += w.outcome == BUG
        if progress is not None:
            progress(done, len(files), w)
    summary.findings = findings_by_severity(db, summary.added)
    return summary


def findings_by_severity(db: Database, report_ids: list[int]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    f = s.findings.c
    with db.engine.connect() as conn:
        for i in range(0, len(report_ids), 500):
            chunk = report_ids[i : i + 500]
            q = sa.select(f.severity, sa.func.count()).where(f.report_id.in_(chunk)).group_by(f.severity)
            for sev, n in conn.execute(q):
                counts[sev] = counts.get(sev, 0) + n
    return counts


def describe_outcome(w: Written) -> str:
    return {
        ADDED: "新增",
        VERSION: "新版本",
        DUPLICATE: "已存在",
        COPY: "同一报告的另一文件",
        REFUSED: "无法读取",
        BUG: "内部错误",
    }[w.outcome]


__all__ = ["IngestSummary", "Parsed", "Writer", "collect", "ingest", "parse_file", "prepare", "to_text"]
