"""Actor normalisation: one canonical name per party, whatever the spelling."""

from __future__ import annotations

import pytest

from monitor.nlp.actors import (
    actor_kind,
    actor_side,
    canonical_actor,
    is_country,
    known_actor,
    mentioned_actors,
    table,
)


@pytest.mark.parametrize("name, actor", [
    # the seed's many names of Russia, spokesmen included
    ("Russia", "Russia"), ("Russian Federation", "Russia"), ("Moscow", "Russia"),
    ("the Kremlin", "Russia"), ("Russian Defence Ministry", "Russia"),
    ("Russia's Defense Ministry", "Russia"), ("Russia’s Defense Ministry", "Russia"),
    ("the Russian Ministry of Defense", "Russia"), ("Russian military", "Russia"),
    ("Russian forces", "Russia"), ("Konashenkov", "Russia"), ("Igor Konashenkov", "Russia"),
    ("Peskov", "Russia"), ("A spokesman for Russian President Vladimir Putin", "Russia"),
    ("Russian bombers", "Russia"), ("the Russians", "Russia"),
    # other parties
    ("IDF", "Israel"), ("Israel Defense Forces", "Israel"), ("the Israeli military", "Israel"),
    ("Hamas", "Hamas"), ("Gaza health ministry", "Gaza Health Ministry"),
    ("the Hamas-run health ministry", "Gaza Health Ministry"), ("Kyiv", "Ukraine"),
    ("Kiev", "Ukraine"), ("Ukrainian armed forces", "Ukraine"),
    ("Ministry of Foreign Affairs of Ukraine", "Ukraine"),
    ("SAF", "Sudanese Armed Forces"), ("Sudan army", "Sudanese Armed Forces"),
    ("Sudan's army", "Sudanese Armed Forces"), ("RSF", "Rapid Support Forces"),
    ("the paramilitary Rapid Support Forces", "Rapid Support Forces"),
    ("Syrian government", "Syria (government)"), ("Assad", "Syria (government)"),
    ("Damascus", "Syria (government)"), ("SANA", "Syria (government)"),
    ("US", "United States"), ("U.S.", "United States"), ("the Pentagon", "United States"),
    ("Washington", "United States"), ("Saudi-led coalition", "Saudi-led coalition"),
    ("Houthis", "Houthis"), ("Ansar Allah", "Houthis"), ("the junta", "Myanmar military"),
    ("Tatmadaw", "Myanmar military"), ("Myanmar's military", "Myanmar military"),
    # rights groups and international bodies
    ("Amnesty", "Amnesty International"), ("Amnesty International UK", "Amnesty International"),
    ("one Amnesty official", "Amnesty International"), ("HRW", "Human Rights Watch"),
    ("Human Rights Watch", "Human Rights Watch"), ("UN", "United Nations"),
    ("the U.N.", "United Nations"), ("UN human rights office", "United Nations"),
    ("OHCHR", "United Nations"), ("Red Cross", "International Committee of the Red Cross"),
    ("ICRC", "International Committee of the Red Cross"), ("MSF", "Médecins Sans Frontières"),
    ("Doctors Without Borders", "Médecins Sans Frontières"),
])
def test_aliases_map_to_one_canonical_actor(name: str, actor: str) -> None:
    assert canonical_actor(name) == actor


@pytest.mark.parametrize("name, cleaned", [
    ("local residents", "Local Residents"),
    ("the think tank", "Think Tank"),
    ("Sudanese doctors", "Sudanese Doctors"),  # a demonym alone is not the state
    ("us", "Us"),  # short acronyms count only in capitals
    ("un", "Un"),
    ("", ""),
])
def test_unknown_names_pass_through_cleaned(name: str, cleaned: str) -> None:
    assert canonical_actor(name) == cleaned
    assert known_actor(name) == ""


def test_coordinated_demonyms_take_the_first_state() -> None:
    assert canonical_actor("Russian and Syrian government aircraft") == "Russia"


def test_sides_group_authorities_with_the_party_that_runs_them() -> None:
    assert actor_side("Gaza Health Ministry") == "Hamas"
    assert actor_side("the Hamas-run health ministry") == "Hamas"
    assert actor_side("Wagner") == "Russia"
    assert actor_side("Russia") == "Russia"


def test_countries_and_mentions() -> None:
    assert is_country("Syria") and is_country("Russians")
    assert not is_country("Amnesty")
    text = "Amnesty said Russian bombers hit homes; the Kremlin denied it."
    assert mentioned_actors(text) == ("Amnesty International", "Russia")


def test_the_table_is_large_and_consistent() -> None:
    tab = table()
    assert len(tab.aliases) + len(tab.states) >= 500
    assert set(tab.aliases.values()) <= set(tab.sides)
    assert set(tab.sides.values()) <= set(tab.sides)


@pytest.mark.parametrize("a, b", [
    ("Russia", "Russian Federation"), ("Russian Federation", "Moscow"), ("Moscow", "the Kremlin"),
    ("Russia's Defense Ministry", "the Russian Defence Ministry"),
    ("the Defense Ministry of Russia", "Russian Ministry of Defence"),
])
def test_spellings_of_one_actor_are_equal(a: str, b: str) -> None:
    assert canonical_actor(a) == canonical_actor(b) == "Russia"


def test_an_unknown_defence_ministry_is_one_name_under_both_spellings() -> None:
    assert canonical_actor("the Defense Ministry") == canonical_actor("Defence Ministry")
    assert canonical_actor("Ministry of Defense") == canonical_actor("the defence ministry")


def test_kinds_and_bare_countries_in_mentions() -> None:
    assert (actor_kind("Amnesty International UK"), actor_kind("the Kremlin"),
            actor_kind("Hamas"), actor_kind("local residents")) == (
        "ngo", "state", "armed_group", "")
    text = "It looks as if Russian Federation is hiding the truth about Syrian strikes."
    assert mentioned_actors(text) == ("Syria (government)",)
    assert mentioned_actors(text, countries=True) == ("Russia", "Syria (government)")
