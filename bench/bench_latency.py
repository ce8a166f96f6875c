"""Benchmark: seconds from the poll that brings a denial to its alert arriving at Slack.

    .venv/bin/python bench/bench_latency.py [--runs 10]

Everything is real and local: the daemon (`monitor.service.build_daemon`, the real models,
loaded and warmed up before any timing) polls a feed server on 127.0.0.1 and posts with
slack-sdk to a Slack-compatible server on 127.0.0.1 (`tests.slack_fixtures.FakeSlack`, which
here also notes when each message arrives). Each run is a new incident: the allegations are
polled first (not timed), then the accused's denial appears on another feed; the clock starts
when that poll pass (`Daemon.run_once`) starts and stops when the alert reaches the Slack
server. One warm-up run is not counted. Prints every run, then median, p95 and max.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor import config as config_mod  # noqa: E402
from monitor.daemon import Daemon  # noqa: E402
from tests.feedserver import FeedServer, rss_feed  # noqa: E402
from tests.slack_fixtures import TOKEN, FakeSlack  # noqa: E402

# (city, district, toll): invented incidents in real places, one per run.
INCIDENTS = [("Odesa", "Peresyp", 14), ("Kharkiv", "Saltivka", 9), ("Dnipro", "Sobornyi", 11),
             ("Zaporizhzhia", "Shevchenkivskyi", 7), ("Mykolaiv", "Inhulskyi", 6),
             ("Kherson", "Korabelnyi", 8), ("Sumy", "Kovpakivskyi", 5),
             ("Poltava", "Podilskyi", 12),
             ("Chernihiv", "Novozavodskyi", 10), ("Kryvyi Rih", "Saksahanskyi", 13),
             ("Vinnytsia", "Zamostianskyi", 6), ("Lviv", "Sykhivskyi", 4),
             ("Kramatorsk", "Starokramatorsk", 9), ("Sloviansk", "Artemivskyi", 7),
             ("Pokrovsk", "Shakhtarskyi", 5), ("Kostiantynivka", "Sotsmistechko", 8),
             ("Nikopol", "Pivdennyi", 6), ("Bilhorod-Dnistrovskyi", "Shabo", 4),
             ("Izium", "Pisky", 11), ("Kupiansk", "Vuzlovyi", 3), ("Uman", "Rodnykivka", 7)]
FEEDS = {"/wire.xml": "Kyiv Wire", "/ministry.xml": "Moscow Daily"}


@dataclass
class TimedSlack(FakeSlack):
    """The loopback Slack server, noting the perf_counter time each message is accepted."""

    arrivals: list[float] = field(default_factory=list)

    def _accept(self, payload: dict[str, Any]) -> dict[str, Any]:
        answer = super()._accept(payload)
        if answer.get("ok"):
            self.arrivals.append(time.perf_counter())
        return answer


def allegations(city: str, district: str, toll: int) -> list[tuple[str, str]]:
    return [(f"Missile strike on {city} apartment block kills {toll} civilians, officials say",
             f"A Russian missile hit a residential block in {city}'s {district} district "
             f"overnight, killing {toll} civilians, the regional governor said. Ukraine's "
             "prosecutors accused Russian forces of striking a residential area on purpose.")]


def denial(city: str, district: str) -> list[tuple[str, str]]:
    return [(f"Russian Defence Ministry denies striking {city} housing",
             f"Russia's Defence Ministry denied that its forces hit the residential block in "
             f"{city}'s {district} district and called the reports of civilian deaths "
             "fabricated.")]


def feed(name: str, entries: list[tuple[str, str]], run: int, start: datetime) -> bytes:
    slug = name.lower().replace(" ", "-")
    items = [{"title": title, "description": text, "guid": f"urn:{slug}:{run}:{n}",
              "link": f"https://{slug}.example/{run}/{n}", "published": start}
             for n, (title, text) in enumerate(entries)]
    return rss_feed(name, items)


def write_config(tmp: Path, feeds: FeedServer, slack: FakeSlack) -> Path:
    lines = [f'[storage]\npath = "{tmp / "bench.db"}"',
             "[polling]\njitter = 0\nconnect_timeout = 2.0\nread_timeout = 10.0",
             f'[slack]\nchannel = "#war-claims"\nbase_url = "{slack.base_url}"\npace = 0']
    lines += [f'[[feeds]]\nname = "{n}"\nurl = "{feeds.url(p)}"' for p, n in FEEDS.items()]
    path = tmp / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def one_run(daemon: Daemon, feeds: FeedServer, slack: TimedSlack, run: int) -> float:
    """Seconds from the start of the poll pass that brings the denial to the Slack post."""
    city, district, toll = INCIDENTS[run % len(INCIDENTS)]
    start = datetime.now(UTC) - timedelta(hours=2)
    feeds.set_body("/wire.xml", feed("Kyiv Wire", allegations(city, district, toll), run, start))
    daemon.run_once()
    before = len(slack.arrivals)
    feeds.set_body("/ministry.xml", feed("Moscow Daily", denial(city, district), run,
                                         start + timedelta(hours=1)))
    began = time.perf_counter()
    daemon.run_once()
    if len(slack.arrivals) <= before:
        raise RuntimeError(f"run {run}: no alert reached Slack ({city})")
    return slack.arrivals[before] - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs (after one warm-up)")
    args = parser.parse_args()
    if not 0 < args.runs < len(INCIDENTS):
        parser.error(f"--runs must be between 1 and {len(INCIDENTS) - 1} (one incident each)")
    logging.basicConfig(level=logging.WARNING)
    from monitor.service import build_daemon

    slack = TimedSlack().start()
    try:
        with FeedServer() as feeds, tempfile.TemporaryDirectory() as tmp:
            for path, name in FEEDS.items():
                feeds.add(path, rss_feed(name, []))
            config = config_mod.load(write_config(Path(tmp), feeds, slack),
                                     env={"SLACK_BOT_TOKEN": TOKEN})
            loaded = time.perf_counter()
            daemon = build_daemon(config)
            print(f"models loaded in {time.perf_counter() - loaded:.1f} s; warm-up run ...")
            one_run(daemon, feeds, slack, 0)
            times = []
            for run in range(1, args.runs + 1):
                times.append(one_run(daemon, feeds, slack, run))
                print(f"run {run:2d}: {times[-1]:.3f} s")
            daemon.client.close()
            daemon.store.close()
    finally:
        slack.stop()
    print(f"poll -> Slack post over {len(times)} runs: median {statistics.median(times):.3f} s, "
          f"p95 {percentile(times, 0.95):.3f} s, max {max(times):.3f} s")


if __name__ == "__main__":
    main()
