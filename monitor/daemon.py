"""The long-running monitor: one APScheduler job per feed, the alert sender, clean shutdown.

`Daemon.run_once()` does one pass over every feed (cron, tests); `Daemon.run()` schedules
feeds forever until SIGTERM/SIGINT, then lets the polls in flight finish their writes.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from monitor import pipeline
from monitor.config import Config
from monitor.feeds.fetch import HostLimiter
from monitor.feeds.poller import PollOutcome, poll_all, poll_feed
from monitor.feeds.schedule import PollPolicy
from monitor.records import Article
from monitor.store import Store
from monitor.store import articles as article_store
from monitor.store import feeds as feed_store

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Daemon:
    """Wires the scheduler, the poller, the pipeline and the outbox sender."""

    def __init__(self, config: Config, store: Store, parts: pipeline.Components,
                 client: httpx.Client, policy: PollPolicy, limiter: HostLimiter,
                 sender: Callable[[datetime], object] | None = None,
                 clock: Clock = _utcnow) -> None:
        self.config = config
        self.store = store
        self.parts = parts
        self.client = client
        self.policy = policy
        self.limiter = limiter
        self.sender = sender
        self.clock = clock
        self._stop = threading.Event()
        self._analysis = threading.Lock()
        self._scheduler: BackgroundScheduler | None = None

    # -- one pass ---------------------------------------------------------------------------
    def sync_feeds(self) -> None:
        entries = [(f.name, f.url, f.interval) for f in self.config.feeds]
        added = feed_store.sync_config_feeds(self.store, entries, self.clock())
        if added:
            log.info("added %d configured feeds", added)

    def process(self, articles: Sequence[Article]) -> list[pipeline.Result]:
        """Run the analysis stages on freshly stored articles (one batch at a time)."""
        if not articles:
            return []
        threshold = self.config["classification"]["relevant_threshold"]
        with self._analysis:
            return pipeline.analyze(self.store, articles, self.parts, self.clock(), threshold)

    def recover(self) -> int:
        """Analyse articles that were stored but not analysed (a crash between the two)."""
        total = 0
        while batch := article_store.unanalyzed(self.store):
            self.process(batch)
            total += len(batch)
        if total:
            log.info("recovered %d articles stored before the last stop", total)
        return total

    def poll_one(self, feed_id: str) -> PollOutcome | None:
        state = feed_store.get_state(self.store, feed_id)
        if state is None or not state.active or state.gone or self._stop.is_set():
            return None
        return poll_feed(state, self.client, self.store, self.policy, self.limiter,
                         self.clock(), self.process)

    def run_once(self) -> list[PollOutcome]:
        """Poll every active feed once, analyse what is new, deliver pending alerts."""
        self.sync_feeds()
        self.recover()
        states = feed_store.active_feeds(self.store)
        outcomes = poll_all(states, self.client, self.store, self.policy, self.limiter,
                            self.clock, self.process, self.config["polling"]["workers"])
        self.send()
        return outcomes

    def send(self) -> None:
        if self.sender is None:
            return
        try:
            self.sender(self.clock())
        except Exception:  # noqa: BLE001 - the sender retries on its next pass
            log.exception("alert sender failed; alerts stay pending")

    # -- forever ----------------------------------------------------------------------------
    def run(self, install_signals: bool = True) -> None:
        """Schedule every feed and the sender; block until `stop()` or SIGTERM/SIGINT."""
        if install_signals:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        self.sync_feeds()
        self.recover()
        workers = self.config["polling"]["workers"]
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
            timezone=UTC,
        )
        self._scheduler = scheduler
        scheduler.start()
        self._schedule_feeds()
        scheduler.add_job(self._schedule_feeds, "interval", seconds=60, id="feeds:sync")
        scheduler.add_job(self.send, "interval", seconds=self.config["slack"]["send_interval"],
                          id="alerts:send")
        log.info("monitor running: %d feeds", len(scheduler.get_jobs()) - 2)
        self._stop.wait()
        log.info("stopping: finishing the polls in flight")
        scheduler.shutdown(wait=True)
        self.send()
        log.info("stopped")

    def stop(self) -> None:
        self._stop.set()

    def _on_signal(self, signum: int, _frame: Any) -> None:
        log.info("received %s", signal.Signals(signum).name)
        self.stop()

    def _schedule_feeds(self) -> None:
        """Add a job for each active feed without one; drop jobs of removed feeds."""
        assert self._scheduler is not None
        self.sync_feeds()
        scheduler = self._scheduler
        active = {s.feed.id: s for s in feed_store.active_feeds(self.store)}
        for job in scheduler.get_jobs():
            if job.id.startswith("feed:") and job.id[5:] not in active:
                job.remove()
        for fid, state in active.items():
            if scheduler.get_job(f"feed:{fid}") is None:
                self._schedule(fid, _due(state.next_poll, self.clock()))

    def _schedule(self, fid: str, when: datetime) -> None:
        assert self._scheduler is not None
        jitter = random.uniform(0, self.config["polling"]["jitter"])
        self._scheduler.add_job(self._job, "date", run_date=when + timedelta(seconds=jitter),
                                args=[fid], id=f"feed:{fid}", replace_existing=True)

    def _job(self, fid: str) -> None:
        self.poll_one(fid)
        state = feed_store.get_state(self.store, fid)
        if state is not None and state.active and not state.gone and not self._stop.is_set():
            self._schedule(fid, _due(state.next_poll, self.clock()))


def _due(next_poll: str | None, now: datetime) -> datetime:
    if not next_poll:
        return now
    when = datetime.fromisoformat(next_poll.replace("Z", "+00:00"))
    return max(when, now)
