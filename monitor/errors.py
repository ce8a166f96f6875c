"""The monitor's exceptions.

    MonitorError                 base of everything raised on purpose
    ├── ConfigError              bad configuration or command-line input (exit code 2)
    ├── FetchError               a feed could not be fetched; recorded on the feed, loop goes on
    │   ├── FeedGone             HTTP 410: stop polling this feed
    │   ├── TooLarge             the body passed the size cap
    │   └── RateLimited          429/503 with an optional Retry-After
    └── DeliveryError            an alert could not be delivered; it stays pending
        └── DeliveryFailed       a Slack post failed, with its scope and Retry-After
                                 (defined in monitor.notify.slack)
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base of the monitor's own exceptions."""


class ConfigError(MonitorError):
    """Configuration or input that cannot be used; the message names the key."""


class FetchError(MonitorError):
    """A feed fetch failed; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FeedGone(FetchError):
    """The server says the feed is gone for good (HTTP 410)."""


class TooLarge(FetchError):
    """The response body exceeded the configured cap."""


class RateLimited(FetchError):
    """The server asked us to slow down (429/503)."""

    def __init__(self, message: str, status: int, retry_after: float | None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class DeliveryError(MonitorError):
    """Slack (or the webhook) refused or failed; the alert stays pending."""
