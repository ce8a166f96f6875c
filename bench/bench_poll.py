"""Benchmark: poll 1,000 feeds from one loopback server, twice.

    python bench/bench_poll.py [--feeds 1000] [--items 20] [--workers 8] [--per-host 8]

Round 1 fetches, parses and stores every feed (fresh temporary store, WAL file, no analysis:
process=None); round 2 polls again and gets a 304 for every feed (conditional GET). Prints
feeds per second for each round, the poller's CPU seconds and peak memory (max RSS). The
feed server runs in a child process, so the CPU and memory figures are the poller's alone.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.feeds.fetch import HostLimiter, Limits, make_client  # noqa: E402
from monitor.feeds.poller import PollOutcome, poll_all  # noqa: E402
from monitor.feeds.schedule import PollPolicy  # noqa: E402
from monitor.store import Store, open_store  # noqa: E402
from monitor.store.feeds import active_feeds, add_feed  # noqa: E402
from tests.feedserver import FeedServer, item, rss_feed  # noqa: E402

WORDS = ("ceasefire talks resume as shelling continues near the front line while officials "
         "deny reports of strikes on civilian areas and aid groups call for access").split()


def feed_body(n: int, items: int) -> bytes:
    entries = []
    for j in range(items):
        k = n * items + j
        title = " ".join(WORDS[(k + i) % len(WORDS)] for i in range(9)).capitalize() + f" {k}"
        summary = " ".join(WORDS[(k * 7 + i) % len(WORDS)] for i in range(45)) + "."
        entries.append(item(k, title=title, description=f"<p>{summary}</p>",
                            link=f"https://bench.example/{n}/story-{k}?utm_source=rss",
                            guid=f"bench:{n}:{k}"))
    return rss_feed(f"Bench feed {n}", entries)


def serve(feeds: int, items: int, port_out: mp.connection.Connection,
          stop: mp.synchronize.Event) -> None:
    """Child process: serve `feeds` generated feeds until told to stop."""
    with FeedServer() as server:
        for n in range(feeds):
            server.add(f"/feed/{n}.xml", feed_body(n, items))
        port_out.send(server.port)
        stop.wait()


def subscribe(store: Store, port: int, feeds: int, now: datetime) -> None:
    for n in range(feeds):
        add_feed(store, f"Bench {n:04d}", f"http://127.0.0.1:{port}/feed/{n}.xml", "config", now)


def run_round(label: str, store: Store, args: argparse.Namespace, policy: PollPolicy,
              now: datetime) -> list[PollOutcome]:
    states = active_feeds(store)
    settings = {"user_agent": policy.limits.user_agent, "read_timeout": 10.0,
                "connect_timeout": 5.0, "workers": args.workers}
    with make_client(settings, trust_env=False) as client:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        outcomes = poll_all(states, client, store, policy, HostLimiter(args.per_host), now,
                            workers=args.workers)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    print(f"{label}: {len(outcomes)} feeds in {wall:.2f} s = {len(outcomes) / wall:.0f} feeds/s, "
          f"CPU {cpu:.2f} s, new items {sum(o.new_items for o in outcomes)}, outcomes {counts}")
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--per-host", type=int, default=8)
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    ctx = mp.get_context("spawn")
    port_in, port_out = ctx.Pipe(duplex=False)
    stop = ctx.Event()
    child = ctx.Process(target=serve, args=(args.feeds, args.items, port_out, stop))
    child.start()
    port = port_in.recv()
    policy = PollPolicy(limits=Limits(connect_timeout=5.0, read_timeout=10.0, deadline=30.0))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp) / "bench.db")
            now = datetime.now(UTC)
            subscribe(store, port, args.feeds, now)
            print(f"{args.feeds} feeds x {args.items} items, workers={args.workers}, "
                  f"per_host={args.per_host}, store={Path(tmp) / 'bench.db'} (WAL)")
            cpu0 = time.process_time()
            run_round("round 1 (200, parse, store)", store, args, policy, now)
            run_round("round 2 (conditional GET, 304)", store, args, policy,
                      now + timedelta(minutes=15))
            with store.reading() as db:
                print(f"articles stored: {db['articles'].count}, fetch rows: {db['fetches'].count}")
            store.close()
    finally:
        stop.set()
        child.join(timeout=10)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"poller CPU total {time.process_time() - cpu0:.2f} s "
          f"(user {usage.ru_utime:.2f} s, sys {usage.ru_stime:.2f} s for the whole process); "
          f"peak memory (ru_maxrss) {usage.ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
