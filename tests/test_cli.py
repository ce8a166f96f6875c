"""The command line as a user runs it: a real process, exit codes, messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def monitor(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unknown_key_exits_2_with_one_clear_message(tmp_path: Path) -> None:
    cfg = tmp_path / "m.toml"
    cfg.write_text("[polling]\nintervall = 5\n")
    result = monitor("--config", str(cfg), "status")
    assert result.returncode == 2
    assert "polling.intervall: unknown key" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_url_and_bad_interval_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "m.toml"
    cfg.write_text('[[feeds]]\nname = "x"\nurl = "htp:/nope"\n')
    assert "feeds[0].url" in monitor("--config", str(cfg), "status").stderr
    cfg.write_text("[polling]\nmin_interval = -3\n")
    result = monitor("--config", str(cfg), "status")
    assert result.returncode == 2 and "polling.min_interval" in result.stderr


def test_feeds_add_list_remove_and_opml(tmp_path: Path) -> None:
    cfg = tmp_path / "m.toml"
    cfg.write_text(
        f'[storage]\npath = "{tmp_path / "m.db"}"\n'
        '[[feeds]]\nname = "Configured"\nurl = "http://127.0.0.1:9/rss"\n'
    )
    base = ("--config", str(cfg))
    assert (
        monitor(*base, "feeds", "add", "http://127.0.0.1:9/other", "--name", "Other").returncode
        == 0
    )
    listed = monitor(*base, "feeds", "list").stdout
    assert "Configured" in listed and "Other" in listed
    assert monitor(*base, "feeds", "add", "not-a-url").returncode == 2
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body><outline text="News">'
        '<outline text="A" xmlUrl="http://127.0.0.1:9/a.xml"/>'
        '<outline text="Other again" xmlUrl="http://127.0.0.1:9/other"/>'
        "</outline></body></opml>"
    )
    first = monitor(*base, "feeds", "import-opml", str(opml))
    assert first.returncode == 0 and "imported 1" in first.stdout
    again = monitor(*base, "feeds", "import-opml", str(opml))
    assert "imported 0" in again.stdout
    assert monitor(*base, "feeds", "list").stdout.count("127.0.0.1:9/a.xml") == 1
    assert monitor(*base, "feeds", "remove", "Configured").returncode == 0
    assert "Configured" not in monitor(*base, "feeds", "list").stdout
    assert monitor(*base, "feeds", "remove", "Configured").returncode == 2
