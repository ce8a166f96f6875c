"""The full text of an article page: the same guarded fetch, then trafilatura."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from monitor.feeds.fetch import Limits, fetch

log = logging.getLogger(__name__)

MIN_CHARS = 200  # shorter extractions are navigation or paywall stubs, not articles


def fetch_full_text(client: httpx.Client, url: str,
                    limits: Limits | Mapping[str, Any]) -> str | None:
    """The main text of the page at `url`, or None when it cannot be fetched or extracted.

    `limits` may also be the `[polling]` settings themselves.
    """
    if not isinstance(limits, Limits):
        limits = Limits.from_settings(limits)
    result = fetch(client, url, None, None, limits)
    if result.error or not result.body:
        log.info("full text of %s: not fetched (%s)", url, result.error or "empty body")
        return None
    ctype = (result.content_type or "").lower()
    if ctype and "html" not in ctype and "xml" not in ctype:
        log.info("full text of %s: not HTML (%s)", url, ctype)
        return None
    return extract_text(result.body, result.final_url)


def extract_text(html: bytes, url: str | None = None) -> str | None:
    """trafilatura's main-text extraction; None when nothing article-like is found."""
    import trafilatura  # heavy: imported on first use only

    try:
        text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False)
    except Exception as exc:  # noqa: BLE001 - extraction is best effort
        log.warning("full text of %s: extraction failed: %r", url, exc)
        return None
    if not text or len(text.strip()) < MIN_CHARS:
        return None
    return text.strip()
