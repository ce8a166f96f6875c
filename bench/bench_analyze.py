"""Benchmark: `monitor analyze` on 2,000 title+summary items of the October 2023 archive.

    python bench/bench_analyze.py [--items 2000] [--runtime auto|torch|onnx-int8] [--threads N]

Reports articles per second (model load excluded and included), CPU seconds and peak memory
(max RSS of this process). Runs the same code path as the command (`service.analyze_lines`).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.archive import ARCHIVE, items  # noqa: E402
from monitor import config as config_mod  # noqa: E402
from monitor import wiring  # noqa: E402
from monitor.analyze import analyze_stream, read_articles  # noqa: E402
from monitor.store import open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runtime", default=None)
    parser.add_argument("--batch", type=int, default=None, help="encoder batch size")
    parser.add_argument("--threads", type=int, default=None, help="encoder CPU threads")
    parser.add_argument("--no-judge", action="store_true", help="denials from the rules alone")
    args = parser.parse_args()
    if not ARCHIVE.exists():
        sys.exit(f"{ARCHIVE} is not present")
    cfg = config_mod.load(Path(__file__).resolve().parents[1] / "config" / "monitor.toml")
    if args.runtime:
        cfg = config_mod.with_overrides(cfg, classification={"runtime": args.runtime})
    if args.threads:
        cfg = config_mod.with_overrides(cfg, classification={"threads": args.threads})
    if args.batch:
        cfg = config_mod.with_overrides(cfg, classification={"batch_size": args.batch})
    if args.no_judge:
        cfg = config_mod.with_overrides(cfg, detection={"judge": False})
    lines = [json.dumps(i) for i in items(args.items)]
    start = time.perf_counter()
    cpu0 = time.process_time()
    parts = wiring.build_components(cfg)
    loaded = time.perf_counter()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        out = list(analyze_stream(read_articles(lines), store, parts,
                                  cfg["classification"]["relevant_threshold"]))
        store.close()
    end = time.perf_counter()
    labels: dict[str, int] = {}
    for obj in out:
        labels[obj["topic"]["label"]] = labels.get(obj["topic"]["label"], 0) + 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"items: {len(out)}  labels: {labels}")
    claims = sum(len(o["claims"]) for o in out)
    print(f"claims: {claims}  alerts: {sum(len(o['alerts']) for o in out)}")
    print(f"model load: {loaded - start:.1f} s")
    print(f"analysis: {end - loaded:.1f} s = {len(out) / (end - loaded):.0f} articles/s "
          f"(with load: {len(out) / (end - start):.0f}/s)")
    print(f"CPU: {time.process_time() - cpu0:.1f} s  peak memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
