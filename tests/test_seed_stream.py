"""The example that started the project, fed as a stream through the real pipeline.

The seed file (../shared/seed) is a headline and sentences from several reports on Russia's
bombing in Syria. Each line becomes one article, two hours after the previous one, from one of
a few outlets in turn; the alerts must be those the seed's README describes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.pipeline import Result
from monitor.records import Alert, Article

pytestmark = pytest.mark.model

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"
OUTLETS = ("Reuters", "Associated Press", "BBC News", "Al Jazeera")
T0 = datetime(2015, 12, 23, 6, 0, tzinfo=UTC)


def seed_articles() -> list[Article]:
    files = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if not files:
        pytest.skip(f"no seed file under {SEED}")
    lines = [line.strip() for line in files[0].read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    out = [Article(id="seed-00", feed_id="", source=OUTLETS[0], url="https://seed.test/0",
                   title=lines[0], summary="", published=T0)]
    for n, line in enumerate(lines[1:], 1):
        out.append(Article(id=f"seed-{n:02d}", feed_id="", source=OUTLETS[n % len(OUTLETS)],
                           url=f"https://seed.test/{n}", title="", summary=line,
                           published=T0 + timedelta(hours=2 * n)))
    return out


@pytest.fixture(scope="module")
def stream() -> dict[str, Any]:
    from monitor.detect.eval_timelines import build_parts
    from monitor.pipeline import run_batch
    from monitor.store import open_store

    articles = seed_articles()
    parts = build_parts()
    store = open_store(None)
    results = [run_batch(store, [a], parts, a.published or T0)[0] for a in articles]
    yield {"results": results, "store": store}
    store.close()


def result_for(stream: dict[str, Any], start: str) -> Result:
    found = [r for r in stream["results"] if r.article.summary.startswith(start)]
    assert len(found) == 1, start
    return found[0]


def denials(result: Result) -> list[Alert]:
    return [a for a in result.alerts if a.kind == "denial"]


def answered_speakers(stream: dict[str, Any], alert: Alert) -> set[str]:
    with stream["store"].reading() as db:
        return {
            row[0] for cid in alert.answers
            for row in db.execute("select speaker_actor from claims where id = ?", [cid])
        }


def test_the_defence_ministry_dismissal_is_a_denial_alert_beside_amnesty(stream: Any) -> None:
    result = result_for(stream, "Russia’s Defense Ministry is dismissing")
    [alert] = denials(result)
    assert alert.thread_of is None
    assert "Amnesty International" in answered_speakers(stream, alert)
    assert alert.reason.startswith("Russia")


def test_konashenkov_fake_information_joins_that_alerts_thread(stream: Any) -> None:
    [first] = denials(result_for(stream, "Russia’s Defense Ministry is dismissing"))
    again = denials(result_for(stream, "Igor Konashenkov, a spokesman for the Russian Defence"))
    assert again, "the re-reported denial is posted into the first alert's thread"
    assert all(a.thread_of == first.id for a in again)


def test_the_legitimate_target_justification_is_a_denial_by_the_accused(stream: Any) -> None:
    result = result_for(stream, "Each such vehicle is a tactical unit")
    assert any(c.stance == "denial" and c.speaker_actor == "Russia" for c in result.claims)
    assert all(a.thread_of for a in denials(result)), "no second alert for the same denial"


@pytest.mark.parametrize("start", [
    "A spokesman for Russian President Vladimir Putin said",
    "The Kremlin doesn’t have information about any such incidents",
])
def test_deflections_raise_no_denial_alert(stream: Any, start: str) -> None:
    assert denials(result_for(stream, start)) == []


def test_nothing_else_raises_a_new_denial_alert(stream: Any) -> None:
    new = [a for r in stream["results"] for a in denials(r) if not a.thread_of]
    assert len(new) == 1
