"""Builds the real components from the configuration; the one place that knows them all.

Heavy things (the encoder, spaCy) load here, when a command asks, never at import.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx

from monitor.config import Config
from monitor.feeds.fetch import HostLimiter, make_client
from monitor.feeds.schedule import PollPolicy
from monitor.pipeline import Components
from monitor.store import Store

log = logging.getLogger(__name__)


def policy(config: Config) -> PollPolicy:
    return PollPolicy.from_settings(config["polling"])


def dedup_window(config: Config) -> timedelta:
    return timedelta(hours=config["polling"]["dedup_window_hours"])


def http_client(config: Config) -> httpx.Client:
    return make_client(config["polling"])


def host_limiter(config: Config) -> HostLimiter:
    return HostLimiter(config["polling"]["per_host"])


def build_components(config: Config, client: httpx.Client | None = None) -> Components:
    """The real pipeline: the packaged encoder and heads, spaCy claims, stories, detectors."""
    from monitor.nlp.classify import load_topic_classifier
    from monitor.nlp.encoder import load_encoder

    settings = config["classification"]
    encoder = load_encoder(
        runtime=settings["runtime"], threads=settings["threads"], batch_size=settings["batch_size"]
    )
    parts = Components(classifier=load_topic_classifier(encoder))
    _add_claims(parts, encoder)
    _add_detection(parts, config, encoder)
    if config["polling"]["full_text"] and client is not None:
        parts.full_text = _full_text(client, config)
    return parts


def _add_claims(parts: Components, encoder: object) -> None:
    from monitor.nlp.claims import load_extractor
    from monitor.store.claims import write_claims

    parts.extractor = load_extractor(encoder)
    parts.write_claims = write_claims


def _add_detection(parts: Components, config: Config, encoder: object) -> None:
    from monitor.detect import load_detection
    from monitor.nlp.encoder import BatchedEncoder, load_encoder
    from monitor.store.alerts import write_alerts

    s = config["classification"]
    plain = BatchedEncoder(load_encoder(  # similarity reads the packaged encoder, not the tuned
        runtime=s["runtime"], threads=s["threads"], batch_size=s["batch_size"], variant="base"))
    parts.linker, parts.detector = load_detection(config["detection"], encoder, plain=plain)
    parts.write_alerts = write_alerts


def _full_text(client: httpx.Client, config: Config):  # type: ignore[no-untyped-def]
    from monitor.feeds.fulltext import fetch_full_text

    limits = config["polling"]
    return lambda article: fetch_full_text(client, article.url, limits)


def build_sender(config: Config, store: Store):  # type: ignore[no-untyped-def]
    """The outbox sender: Slack Web API with a token, a webhook, or the log when neither."""
    from monitor.notify.outbox import build_sender as build

    return build(config, store)
