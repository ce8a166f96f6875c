"""Casualty figures and dates: what counts, and how each figure is normalised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.nlp.numbers import casualties, normalise_date, parse_number
from monitor.records import Casualties

Row = tuple[int | None, int | None, str, str, str]


def figures(text: str) -> list[Row]:
    return [(c.min, c.max, c.qualifier, c.who, c.outcome) for c in casualties(text)]


@pytest.mark.parametrize("text, expected", [
    # the seed
    ("Amnesty said that Russian bombers targeted residential areas and killed 119 civilians "
     "in five of the attacks it studied.", [(119, 119, "exact", "civilians", "killed")]),
    ("In one attack on October 15, near Homs, at least 46 civilians who were sheltering in a "
     "building basement were killed, Amnesty said.",
     [(46, None, "at_least", "civilians", "killed")]),
    ("the airstrikes have hit homes and hospitals, killing at least 200 civilians in Homs",
     [(200, None, "at_least", "civilians", "killed")]),
    # qualifiers and ranges
    ("Between 100 and 300 people are feared dead.", [(100, 300, "range", "people", "killed")]),
    ("Officials said 100-300 people were killed.", [(100, 300, "range", "people", "killed")]),
    ("More than 200 children have died since the siege began.",
     [(200, None, "at_least", "children", "killed")]),
    ("Up to 30 fighters were killed in the clashes.",
     [(None, 30, "at_most", "fighters", "killed")]),
    ("About 50 people were wounded in the blast.", [(50, 50, "about", "people", "injured")]),
    ("Nearly 50 patients were evacuated under fire.",
     [(50, 50, "about", "patients", "affected")]),
    # vague amounts
    ("Dozens of civilians were killed and hundreds were injured.",
     [(24, 99, "vague", "civilians", "killed"), (200, 999, "vague", "people", "injured")]),
    ("A dozen aid workers were detained at the checkpoint.",
     [(12, 12, "about", "aid workers", "affected")]),
    ("Thousands of families were displaced by the offensive.",
     [(2000, 9999, "vague", "families", "affected")]),
    ("Tens of thousands of people fled the city.",
     [(20000, 99999, "vague", "people", "affected")]),
    # number words, several figures, verbs before numbers
    ("Three children and ninety adults died in the fire.",
     [(3, 3, "exact", "children", "killed"), (90, 90, "exact", "people", "killed")]),
    ("The shelling killed 5 and wounded 12 in the town.",
     [(5, 5, "exact", "people", "killed"), (12, 12, "exact", "people", "injured")]),
    ("The strike killed two journalists and wounded three others.",
     [(2, 2, "exact", "journalists", "killed"), (3, 3, "exact", "people", "injured")]),
    ("The death toll rose to 1,200 on Sunday.", [(1200, 1200, "exact", "people", "killed")]),
    ("Some 1.5 million people have been displaced.",
     [(1_500_000, 1_500_000, "about", "people", "affected")]),
    ("Twenty-three soldiers were killed in the ambush.",
     [(23, 23, "exact", "soldiers", "killed")]),
    # none
    ("No civilians were harmed in the operation, the army said.",
     [(0, 0, "none", "civilians", "injured")]),
    ("Nobody was killed in the attack.", [(0, 0, "none", "people", "killed")]),
    # the examples, each in a sentence of its own
    ("Medics said at least 46 civilians were killed.",
     [(46, None, "at_least", "civilians", "killed")]),
    ("Between 100 and 300 civilians were killed in the raids.",
     [(100, 300, "range", "civilians", "killed")]),
    ("Hundreds of civilians were killed in the siege.",
     [(200, 999, "vague", "civilians", "killed")]),
    ("The army said no civilians were killed.", [(0, 0, "none", "civilians", "killed")]),
])
def test_casualty_figures(text: str, expected: list[Row]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize("text", [
    "Amnesty’s 28-page report includes analyses of 25 suspected Russian air strikes in Syria "
    "since 30 September.",
    "The think tank found that ninety-percent of Russian air strikes have not targeted IS.",
    "Each cluster bomb scatters scores of bomblets over an area the size of a football pitch.",
    "Aircraft carried out thousands of sorties and attacked thousands of locations.",
    "The $5 million fund will help 300 schools by 2025.",
    "The convoy of 31 trucks left at 5 pm on 12 May 2024.",
    "A 10-year-old boy was among those interviewed in 2019.",
    "Interviews with 40 witnesses took place over two weeks.",
])
def test_numbers_that_are_not_casualties_are_ignored(text: str) -> None:
    assert casualties(text) == ()


def test_spacy_like_objects_are_read_through_their_text() -> None:
    class Doc:
        text = "Gunmen killed seven villagers."

    seven = Casualties(7, 7, "exact", "civilians", "killed", "seven villagers")
    assert casualties(Doc()) == (seven,)


@pytest.mark.parametrize("text, value", [
    ("46", (46, 46, "exact")), ("twenty-three", (23, 23, "exact")),
    ("two hundred and fifty", (250, 250, "exact")), ("a hundred", (100, 100, "exact")),
    ("1,200", (1200, 1200, "exact")), ("2.5 million", (2_500_000, 2_500_000, "exact")),
    ("100-300", (100, 300, "range")), ("between 3 and 5", (3, 5, "range")),
    ("dozens", (24, 99, "vague")), ("scores", (40, 99, "vague")),
    ("hundreds", (200, 999, "vague")), ("thousands", (2000, 9999, "vague")),
    ("many", None),
])
def test_parse_number(text: str, value: tuple[int, int, str] | None) -> None:
    assert parse_number(text) == value


PUBLISHED = datetime(2015, 12, 23, 9, 0, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize("text, iso", [
    ("October 15", "2015-10-15"), ("15 October", "2015-10-15"), ("Oct. 15", "2015-10-15"),
    ("30 September", "2015-09-30"), ("December 30", "2014-12-30"),  # not yet this year
    ("March 3, 2022", "2022-03-03"), ("March 2022", "2022-03"), ("2015", "2015"),
    ("Tuesday", "2015-12-22"), ("Wednesday", "2015-12-23"), ("yesterday", "2015-12-22"),
    ("last week", ""), ("five years", ""),
])
def test_dates_are_pinned_to_the_publication_time(text: str, iso: str) -> None:
    assert normalise_date(text, PUBLISHED) == iso


def test_dates_without_a_publication_time_stay_as_written() -> None:
    assert normalise_date("October 15", None) == "October 15"
    assert normalise_date("March 2022", None) == "2022-03"


def test_people_who_speak_are_no_casualty_figure() -> None:
    found = casualties("One resident said he had helped bury 21 bodies, among them two boys.")
    assert [(c.min, c.who) for c in found] == [(21, "people"), (2, "children")]
    assert casualties("Three doctors told reporters the clinic was shelled.") == ()


def test_none_forms_and_parts_of_the_dead() -> None:
    [lives] = casualties("The police said no lives were lost in the operation.")
    assert (lives.qualifier, lives.outcome) == ("none", "killed")
    [soldier] = casualties("KDF says no soldier killed in Bodhei attack")
    assert (soldier.who, soldier.outcome) == ("soldiers", "killed")
    assert casualties("Four of the dead were drivers.") == ()  # a part, described
