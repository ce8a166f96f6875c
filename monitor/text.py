"""Pure text helpers shared by the stages: canonical URLs, plain text, title keys, hashes."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import html as lxml_html

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ocid", "cmpid",
        "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "ito", "xtor", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
        "rss", "taid", "smid", "partner", "cid", "src", "ref", "ref_src", "_ga", "spm",
        "guccounter", "guce_referrer", "guce_referrer_sig", "soc_src", "soc_trk", "yptr",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "ns_", "mkt_", "pk_", "hsa_", "vero_", "oly_")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\w]+", re.UNICODE)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, sorted query."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    host = parts.netloc.lower()
    if host.endswith(":80") and parts.scheme == "http":
        host = host[:-3]
    if host.endswith(":443") and parts.scheme == "https":
        host = host[:-4]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(sorted(query)), ""))


def plain_text(markup: str | None) -> str:
    """HTML to plain text: tags dropped, entities decoded, whitespace collapsed."""
    if not markup:
        return ""
    text = markup
    if "<" in text and ">" in text:
        try:
            fragment = lxml_html.fragment_fromstring(text, create_parent="div")
            for bad in fragment.xpath("//script|//style"):
                bad.drop_tree()
            text = fragment.text_content()
        except Exception:  # noqa: BLE001 - unparseable markup: fall back to a crude strip
            text = re.sub(r"<[^>]*>", " ", text)
    text = html.unescape(html.unescape(text)) if "&" in text else text
    return _SPACE.sub(" ", text).strip()


def title_key(title: str) -> str:
    """A title reduced to its words, for spotting the same story under another URL."""
    folded = unicodedata.normalize("NFKD", title).casefold()
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _SPACE.sub(" ", _WORD.sub(" ", folded)).strip()


def content_hash(*parts: str | None) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part or "").encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def short_id(prefix: str, *parts: str) -> str:
    """A stable id from its parts, e.g. short_id("a", guid) -> "a_3f2c..."."""
    digest = hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}_{digest}"
