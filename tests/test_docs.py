"""Documentation that cannot fall behind: commands, configuration keys, schema columns."""

from __future__ import annotations

import re
from pathlib import Path

import click

from monitor import config
from monitor.cli import cli
from monitor.store import open_store

REPO = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            names += _commands(command, f"{full} ")
        else:
            names.append(full)
    return names


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    missing = [c for c in _commands(cli) if f"`monitor {c}" not in readme]
    assert not missing, f"undocumented commands: {missing}"


def test_configuration_page_is_generated_from_the_settings() -> None:
    assert (REPO / "docs" / "configuration.md").read_text() == config.markdown()


def test_default_config_file_sets_only_known_keys_and_documents_them() -> None:
    text = (REPO / "config" / "monitor.toml").read_text()
    for section, settings in config.SETTINGS.items():
        assert f"[{section}]" in text
        for key in settings:
            assert re.search(rf"^{key} = ", text, re.M), f"{section}.{key} not in monitor.toml"


def test_every_column_is_documented(tmp_path: Path) -> None:
    store = open_store(tmp_path / "m.db")
    doc = (REPO / "docs" / "schema.md").read_text()
    sections = dict(re.findall(r"^## `(\w+)`[^\n]*\n(.*?)(?=^## |\Z)", doc, re.M | re.S))
    for table in store.db.table_names():
        if "_fts" in table:
            continue
        assert table in sections, f"table {table} is not in docs/schema.md"
        documented = set(re.findall(r"^\| `(\w+)` \|", sections[table], re.M))
        actual = set(store.db[table].columns_dict)
        assert documented == actual, f"{table}: documented {documented ^ actual} differ"
    store.close()
