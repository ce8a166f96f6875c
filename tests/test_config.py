from __future__ import annotations

from pathlib import Path

import pytest

from monitor import config
from monitor.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_default_file_loads_with_feeds() -> None:
    cfg = config.load(REPO / "config" / "monitor.toml", env={})
    assert cfg["storage"]["path"] == "data/monitor.db"
    assert cfg["slack"]["channel"] == "#war-claims"
    assert len(cfg.feeds) >= 15
    assert all(f.url.startswith("https://") for f in cfg.feeds)
    assert len({f.url for f in cfg.feeds}) == len(cfg.feeds)
    assert cfg.slack_token is None


def test_secrets_come_from_the_environment() -> None:
    cfg = config.from_dict({}, env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert cfg.slack_token == "xoxb-1"


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"polling": {"intervall": 5}}, "polling.intervall"),
        ({"pollin": {}}, "pollin"),
        ({"polling": {"min_interval": 0}}, "polling.min_interval"),
        ({"polling": {"min_interval": "fast"}}, "polling.min_interval"),
        ({"polling": {"min_interval": 900, "max_interval": 60}}, "polling.min_interval"),
        ({"slack": {"base_url": "ftp://x"}}, "slack.base_url"),
        ({"feeds": [{"name": "x", "url": "not a url"}]}, "feeds[0].url"),
        ({"feeds": [{"url": "https://a.example/rss", "colour": "red"}]}, "feeds[0].colour"),
        ({"classification": {"relevant_threshold": 1.5}}, "classification.relevant_threshold"),
    ],
)
def test_bad_values_name_the_key(raw: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as err:
        config.from_dict(raw, env={})
    assert str(err.value).startswith(named)


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        config.load(tmp_path / "none.toml", env={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[storage\npath=1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(bad, env={})


def test_overrides_are_validated() -> None:
    cfg = config.from_dict({}, env={})
    assert config.with_overrides(cfg, storage={"path": "x.db"}).db_path == Path("x.db")
    with pytest.raises(ConfigError, match="polling.per_host"):
        config.with_overrides(cfg, polling={"per_host": -1})
