"""fetch(): limits, conditional GET and errors as data, against a real loopback server."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import httpx
import pytest

from monitor.feeds.fetch import HostLimiter, Limits, fetch, make_client, parse_retry_after
from monitor.feeds.fulltext import fetch_full_text
from tests.feed_fixtures import FAST
from tests.feedserver import FeedServer, item, rss_feed

BODY = rss_feed("Fetch test", [item(1), item(2)])


def test_ok_then_not_modified(feed_server: FeedServer, feed_client: httpx.Client) -> None:
    url = feed_server.add("/feed.xml", BODY)
    first = fetch(feed_client, url, None, None, FAST)
    assert (first.status, first.outcome, first.error) == (200, "ok", None)
    assert first.body == BODY and first.bytes == len(BODY)
    assert first.etag and first.last_modified and first.content_type
    second = fetch(feed_client, url, first.etag, first.last_modified, FAST)
    assert (second.status, second.outcome, second.body) == (304, "not_modified", None)
    assert second.etag == first.etag
    only_date = fetch(feed_client, url, None, first.last_modified, FAST)
    assert only_date.status == 304


def test_new_snapshot_after_not_modified(feed_server: FeedServer,
                                         feed_client: httpx.Client) -> None:
    url = feed_server.add("/feed.xml", BODY)
    first = fetch(feed_client, url, None, None, FAST)
    feed_server.set_body("/feed.xml", rss_feed("Fetch test", [item(3)]))
    again = fetch(feed_client, url, first.etag, first.last_modified, FAST)
    assert again.status == 200 and again.etag != first.etag


def test_sends_user_agent_and_accept(feed_server: FeedServer, feed_client: httpx.Client) -> None:
    seen: dict[str, str] = {}

    def capture(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(200, content=BODY)

    with httpx.Client(transport=httpx.MockTransport(capture)) as client:
        fetch(client, "http://127.0.0.1/feed", '"abc"', "Mon, 01 Jan 2024 00:00:00 GMT", FAST)
    assert seen["user-agent"] == FAST.user_agent
    assert "rss" in seen["accept"]
    assert seen["if-none-match"] == '"abc"'
    assert seen["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/slow", "timeout"),
        ("/trickle", "deadline"),
        ("/trickle-headers", "deadline"),
        ("/endless", "cap"),
        ("/huge-declared", "cap"),
        ("/loop-a", "redirect loop"),
        ("/hop/0", "more than 3 redirects"),
        ("/404", "HTTP 404"),
        ("/500", "HTTP 500"),
    ],
)
def test_misbehaviour_is_an_error_not_an_exception(
    feed_server: FeedServer, feed_client: httpx.Client, path: str, expected: str
) -> None:
    started = time.monotonic()
    result = fetch(feed_client, feed_server.url(path), None, None, FAST)
    elapsed = time.monotonic() - started
    assert result.outcome == "error" and result.body is None
    assert result.error is not None and expected in result.error
    assert elapsed < FAST.deadline + 0.6


def test_gone_and_rate_limited(feed_server: FeedServer, feed_client: httpx.Client) -> None:
    gone = fetch(feed_client, feed_server.url("/410"), None, None, FAST)
    assert (gone.status, gone.outcome) == (410, "gone")
    limited = fetch(feed_client, feed_server.url("/429"), None, None, FAST)
    assert (limited.outcome, limited.retry_after) == ("rate_limited", 7200.0)
    unavailable = fetch(feed_client, feed_server.url("/503"), None, None, FAST)
    assert unavailable.outcome == "rate_limited"
    assert unavailable.retry_after is not None and 590 <= unavailable.retry_after <= 610


def test_redirect_is_followed(feed_server: FeedServer, feed_client: httpx.Client) -> None:
    feed_server.add("/hop/3", BODY)  # /hop/2 -> /hop/3, within the limit of 3
    result = fetch(feed_client, feed_server.url("/hop/2"), None, None, FAST)
    assert result.status == 200 and result.body == BODY
    assert result.final_url.endswith("/hop/3")


def test_transport_errors(feed_client: httpx.Client) -> None:
    with socket_closed_port() as port:
        refused = fetch(feed_client, f"http://127.0.0.1:{port}/x", None, None, FAST)
    assert refused.status is None and refused.error
    bad = fetch(feed_client, "ftp://127.0.0.1/feed", None, None, FAST)
    assert bad.outcome == "error" and bad.error
    worse = fetch(feed_client, "http://[::1/feed", None, None, FAST)
    assert worse.outcome == "error"


def test_body_cap_counts_streamed_bytes(feed_server: FeedServer,
                                        feed_client: httpx.Client) -> None:
    url = feed_server.add("/feed.xml", BODY)
    small = replace(FAST, max_bytes=len(BODY) - 1)
    assert "cap" in (fetch(feed_client, url, None, None, small).error or "")
    assert fetch(feed_client, url, None, None, replace(FAST, max_bytes=len(BODY))).body == BODY


def test_retry_after_forms() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", date) == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", date) == 0.0


def test_limits_and_client_from_settings() -> None:
    polling = {"connect_timeout": 2.0, "read_timeout": 9.0, "max_bytes": 10, "max_redirects": 1,
               "user_agent": "ua/1", "workers": 4}
    limits = Limits.from_settings(polling)
    assert (limits.deadline, limits.max_bytes, limits.user_agent) == (9.0, 10, "ua/1")
    with make_client(polling, trust_env=False) as client:
        assert client.headers["user-agent"] == "ua/1"
        assert client.follow_redirects is False


def test_host_limiter_bounds_concurrency_per_host() -> None:
    limiter = HostLimiter(2)
    active: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}
    lock = threading.Lock()
    pairs = {"a": threading.Barrier(2), "b": threading.Barrier(2)}

    def work(host: str) -> None:
        with limiter.slot(f"http://{host}.example/feed"):
            with lock:
                active[host] += 1
                peak[host] = max(peak[host], active[host])
            pairs[host].wait(timeout=5)  # both slots held at once, by two threads
            with lock:
                active[host] -= 1

    threads = [threading.Thread(target=work, args=(h,)) for h in "ab" * 6]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == {"a": 2, "b": 2}


class socket_closed_port:
    """A loopback port with nothing listening on it."""

    def __enter__(self) -> int:
        import socket

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        sock.close()
        return self.port

    def __exit__(self, *exc: object) -> None:
        pass


ARTICLE_PAGE = (
    "<!doctype html><html><head><title>Strike on market</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Strike on market</h1>"
    + "".join(f"<p>Paragraph {i}: witnesses described the strike on the central market in "
              f"detail, and officials gave casualty figures that were later revised.</p>"
              for i in range(6))
    + "</article><footer>Copyright</footer></body></html>"
).encode()


def test_full_text_of_an_article_page(feed_server: FeedServer,
                                      feed_client: httpx.Client) -> None:
    url = feed_server.add("/story.html", ARTICLE_PAGE, "text/html; charset=utf-8")
    text = fetch_full_text(feed_client, url, FAST)
    assert text is not None and "Paragraph 5: witnesses" in text
    assert "Copyright" not in text


def test_full_text_failures_are_none(feed_server: FeedServer, feed_client: httpx.Client) -> None:
    assert fetch_full_text(feed_client, feed_server.url("/404"), FAST) is None
    assert fetch_full_text(feed_client, feed_server.url("/slow"), FAST) is None
    pdf = feed_server.add("/doc.pdf", b"%PDF-1.4", "application/pdf")
    assert fetch_full_text(feed_client, pdf, FAST) is None
    settings = {"connect_timeout": 0.5, "read_timeout": 0.5, "max_bytes": 100,
                "max_redirects": 0, "user_agent": "ua"}
    page = feed_server.add("/story.html", ARTICLE_PAGE, "text/html; charset=utf-8")
    assert fetch_full_text(feed_client, page, settings) is None  # over the 100-byte cap
