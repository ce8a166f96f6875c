"""OPML subscription lists: read them safely, import them into the store.

The parser refuses entity declarations (see `parse.entity_declarations`) and uses expat
through ElementTree, which neither fetches external entities nor touches the network.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from monitor.errors import ConfigError
from monitor.feeds.parse import entity_declarations
from monitor.store import Store
from monitor.store.feeds import add_feed, list_feeds

log = logging.getLogger(__name__)


def read_opml(raw: bytes) -> list[tuple[str, str]]:
    """(name, url) of every outline with an `xmlUrl`, nested ones included, each URL once."""
    refused = entity_declarations(raw)
    if refused:
        raise ConfigError(f"OPML {refused}")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ConfigError(f"OPML is not well-formed XML: {exc}") from None
    found: dict[str, str] = {}
    for outline in root.iter():
        if _local(outline.tag) != "outline":
            continue
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in found:
            found[url] = (outline.get("title") or outline.get("text") or url).strip() or url
    return [(name, url) for url, name in found.items()]


def import_opml(store: Store, path: Path | str, now: datetime) -> tuple[int, int]:
    """Subscribe to the feeds of an OPML file; returns (added, skipped).

    Feeds the store already knows (by URL, removed ones included) and URLs that are not
    http(s) are skipped, so importing the same file twice adds nothing.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read OPML file {path}: {exc.strerror or exc}") from None
    known = {row["url"] for row in list_feeds(store, include_removed=True)}
    added = skipped = 0
    for name, url in read_opml(raw):
        if url in known or not url.lower().startswith(("http://", "https://")):
            skipped += 1
            continue
        add_feed(store, name, url, "opml", now)
        known.add(url)
        added += 1
    log.info("imported OPML %s: %d added, %d skipped", path, added, skipped)
    return added, skipped


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""
