"""``gongkai export`` timed as a user runs it, against a bare SQL-to-Parquet baseline.

    python bench/bench_export.py [--n 100000] [--runs 3] [--db bench/out/stats-100000.db]
    python bench/bench_export.py --n 10000 --formats parquet,csv,xlsx

The store is the one ``bench_stats.py`` writes and keeps (``bench/out/stats-N.db``; written
here when absent). Each command runs as a separate process, from start to exit, in turn, after
a warm-up round; per command: median wall time, range, median peak memory, median ratio to:

* ``baseline``: ``python -c`` with ``sqlite3`` and ``pyarrow`` only: the current reports' cell
  values read with one query (the packed ``cell_values`` of ``report_figures``), parsed by
  pyarrow's CSV reader into typed columns and written as zstd Parquet. It holds the same numbers
  as gongkai's wide export, without its ordering, meta columns, headers or checks.
* ``gongkai export -o x.FORMAT`` for each ``--formats`` (wide shape, key headers).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench_stats import HERE, compare, ensure_store

BASELINE = """
import io, sqlite3, sys
import pyarrow as pa, pyarrow.csv as pc, pyarrow.parquet as pq
con = sqlite3.connect(sys.argv[1])
rows = con.execute("SELECT f.edition, f.cell_values FROM report_figures f JOIN reports r ON r.id = f.report_id "
                   "WHERE r.is_current").fetchall()
for ed in sorted({e for e, _ in rows}):
    text = "\\n".join(v for e, v in rows if e == ed).encode()
    width = text.split(b"\\n", 1)[0].count(b",") + 1
    names = [f"c{i}" for i in range(width)]
    table = pc.read_csv(io.BytesIO(text), read_options=pc.ReadOptions(column_names=names),
                        convert_options=pc.ConvertOptions(column_types={n: pa.decimal128(18, 4) for n in names}))
    pq.write_table(table, f"base-{ed}.parquet", compression="zstd")
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="reports in the store (default 100000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3, help="timed rounds after one warm-up (default 3)")
    ap.add_argument("--db", default=None, help="the store (default bench/out/stats-N.db, kept)")
    ap.add_argument("--formats", default="parquet,csv", help="comma-separated: parquet, csv, json, xlsx")
    args = ap.parse_args(argv)
    gongkai = str(Path(sys.executable).with_name("gongkai"))
    db_spec = args.db or str(HERE / "out" / f"stats-{args.n}.db")
    Path(db_spec).parent.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    ensure_store(db_spec, args.n, args.seed)
    commands = {"baseline": [sys.executable, "-c", BASELINE, db_spec]}
    for fmt in args.formats.split(","):
        commands[f"gongkai export -o x.{fmt}"] = [gongkai, "export", "-o", f"x.{fmt}", "--db", db_spec]
    print(f"{args.n} reports; {args.runs} rounds after a warm-up, commands in turn")
    with tempfile.TemporaryDirectory() as tmp:
        compare(commands, args.runs, tmp)
        sizes = {p.name: p.stat().st_size for p in Path(tmp).iterdir() if p.is_file()}
    print("files: " + ", ".join(f"{k} {v / 2**20:.1f} MiB" for k, v in sorted(sizes.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
