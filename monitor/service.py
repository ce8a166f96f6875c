"""Assembles what the commands need from the configuration: the daemon, analyze, classify.

Kept apart from `cli.py` so the CLI stays a thin layer of argument parsing and printing.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from monitor import wiring
from monitor.analyze import analyze_stream, read_articles
from monitor.config import Config
from monitor.daemon import Daemon
from monitor.records import Article
from monitor.store import Store, open_store


def build_daemon(config: Config, store: Store | None = None) -> Daemon:
    client = wiring.http_client(config)
    parts = wiring.build_components(config, client)
    store = store or open_store(config.db_path)
    return Daemon(
        config, store, parts, client, wiring.policy(config), wiring.host_limiter(config),
        sender=wiring.build_sender(config, store),
    )


def analyze_lines(config: Config, lines: Iterable[str], use_db: bool) -> Iterator[dict[str, Any]]:
    """`monitor analyze`: on the configured store with --db, else on a fresh temporary one."""
    articles = list(read_articles(lines))
    parts = wiring.build_components(config)
    threshold = config["classification"]["relevant_threshold"]
    with tempfile.TemporaryDirectory(prefix="monitor-analyze-") as tmp:
        store = open_store(config.db_path if use_db else Path(tmp) / "analyze.db")
        try:
            yield from _with_progress(
                analyze_stream(articles, store, parts, threshold), len(articles)
            )
        finally:
            store.close()


def _with_progress(items: Iterator[dict[str, Any]], total: int) -> Iterator[dict[str, Any]]:
    from tqdm import tqdm

    show = total >= 100 and sys.stderr.isatty()
    yield from tqdm(items, total=total, file=sys.stderr, disable=not show, unit="article")


def classify_text(config: Config, text: str) -> str:
    """`monitor classify`: the label, the scores and the claims of one text, for a quick look."""
    title, _, rest = text.partition("\n")
    if not rest:  # one line: its first sentence plays the headline, the rest the summary
        title, rest = _first_sentence(title)
    article = Article(id="cli", feed_id="", source="", url="", title=title.strip(),
                      summary=rest.strip(), published=None)
    parts = wiring.build_components(config)
    topic = parts.classifier.classify([article])[0]
    lines = [f"label: {topic.label}"]
    lines += [f"  {label:22} {score:.3f}" for label, score in
              sorted(topic.scores.items(), key=lambda kv: -kv[1])]
    claims = parts.extractor.extract([article])[0] if parts.extractor else []
    for claim in claims:
        lines.append(f"- [{claim.stance}] {claim.text}")
        details = {
            "speaker": claim.speaker, "org": claim.speaker_org, "actor": claim.speaker_actor,
            "accused": claim.accused_actor or claim.accused,
            "casualties": "; ".join(c.text for c in claim.casualties),
            "places": ", ".join(claim.places), "date": claim.date, "flags": ", ".join(claim.flags),
        }
        lines += [f"    {k}: {v}" for k, v in details.items() if v]
    return "\n".join(lines)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c'])")


def _first_sentence(text: str) -> tuple[str, str]:
    parts = _SENTENCE_END.split(text.strip(), maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""
