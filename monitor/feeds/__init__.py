"""Getting feed items in: fetch (HTTP with limits), parse (feedparser to Article), schedule
(the polling policy), poller (one poll, recorded), opml (subscription lists), fulltext."""

from monitor.feeds.fetch import FetchResult, HostLimiter, Limits, fetch, make_client
from monitor.feeds.parse import ParsedFeed, parse_feed
from monitor.feeds.poller import PollOutcome, poll_all, poll_feed
from monitor.feeds.schedule import PollPolicy

__all__ = [
    "FetchResult", "HostLimiter", "Limits", "ParsedFeed", "PollOutcome", "PollPolicy",
    "fetch", "make_client", "parse_feed", "poll_all", "poll_feed",
]
