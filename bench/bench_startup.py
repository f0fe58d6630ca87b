"""How long the ``gongkai`` command takes to start, against a bare Python in the same run.

Runs, interleaved so that a busy machine slows all of them alike: ``python -c pass`` (the
baseline), ``gongkai --help``, ``gongkai parse --help`` and ``gongkai parse`` on the bundled
sample (text, the reader's import cost included). Prints the median wall-clock time of each,
the ratio to the baseline and the time above it (what gongkai's imports cost). Issue 11 aims
at ``gongkai --help`` under 0.2 s on an idle machine.

    .venv/bin/python bench/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from importlib import resources


def commands() -> dict[str, list[str]]:
    sample = str(resources.files("gongkai").joinpath("samples", "sample-2023.txt"))
    gongkai = [sys.executable, "-m", "gongkai.cli"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "gongkai --help": [*gongkai, "--help"],
        "gongkai parse --help": [*gongkai, "parse", "--help"],
        "gongkai parse sample": [*gongkai, "parse", sample],
    }


def run_once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="runs of each command (interleaved)")
    args = ap.parse_args()
    cmds = commands()
    for cmd in cmds.values():  # warm the file cache and the bytecode
        run_once(cmd)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            times[name].append(run_once(cmd))
    base = statistics.median(times["python -c pass"])
    print(f"{'command':<24}{'median s':>10}{'ratio':>8}{'above base s':>14}")
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"{name:<24}{m:>10.3f}{m / base:>8.1f}{m - base:>14.3f}")


if __name__ == "__main__":
    main()
