"""Speaker, content, accused, places and dates from the dependency parse (spaCy, no model)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from monitor.nlp.attribution import Attribution, Context, attribute

PUBLISHED = datetime(2015, 12, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def nlp() -> Iterator[Any]:
    from monitor.nlp.claims import load_spacy

    yield load_spacy()


def read(nlp: Any, text: str) -> Attribution:
    return attribute(nlp(text)[:], Context(), PUBLISHED)[0]


def read_all(nlp: Any, text: str) -> list[Attribution]:
    """Each sentence's attribution, with the context carried from one to the next."""
    context, found = Context(), []
    for sent in nlp(text).sents:
        attribution, context = attribute(sent, context, PUBLISHED)
        found.append(attribution)
    return found


def test_appositive_spokesman_gives_person_and_org(nlp: Any) -> None:
    a = read(nlp, "Igor Konashenkov, a spokesman for the Russian Defence Ministry, said the "
                  "report contained “fake information”.")
    assert (a.speaker, a.speaker_org, a.verb) == (
        "Igor Konashenkov", "Russian Defence Ministry", "say")
    assert "fake information" in a.content


def test_a_spokesman_for_someone_keeps_the_whole_phrase(nlp: Any) -> None:
    a = read(nlp, "A spokesman for Russian President Vladimir Putin said the government hadn’t "
                  "seen the report but would look into it.")
    assert a.speaker == "A spokesman for Russian President Vladimir Putin"
    assert a.speaker_org == "Russian President Vladimir Putin"
    assert a.content.startswith("the government had")


def test_inverted_attribution_and_allegation_details(nlp: Any) -> None:
    a = read(nlp, "In one attack on October 15, near Homs, at least 46 civilians who were "
                  "sheltering in a building basement were killed, Amnesty said.")
    assert (a.speaker, a.verb) == ("Amnesty", "say")
    assert a.places == ("Homs",)
    assert a.date == "2015-10-15"


def test_accused_is_the_agent_of_the_harm(nlp: Any) -> None:
    a = read(nlp, "Amnesty said that Russian bombers targeted residential areas and killed 119 "
                  "civilians in five of the attacks it studied.")
    assert a.speaker == "Amnesty"
    assert a.accused == "Russian bombers"
    assert a.content.startswith("Russian bombers targeted")


@pytest.mark.parametrize("text, accused", [
    ("Witnesses said militiamen on motorbikes torched the market in Geneina.",
     "militiamen on motorbikes"),
    ("The clinic was shelled by government forces, the charity said.", "government forces"),
    ("Residents described Israel's strikes on the camp as relentless.", "Israel"),
    ("Rights groups accused the RSF of looting aid warehouses.", "RSF"),
    ("Villagers blamed the deaths on Wagner mercenaries.", "Wagner mercenaries"),
    ("Amnesty: Russian bombing of Syria may be a war crime", "Russian bombing of Syria"),
    # a quantity of a party, a phrasal verb, doubled consonants, "responsible for",
    # a harm verb in a clause of the party's verb, a weapon used by a party
    ("Residents said hundreds of Israeli settlers rampaged through the town.",
     "hundreds of Israeli settlers"),
    ("Police said the Tamil Tigers carried out the bombing of the bank.", "Tamil Tigers"),
    ("Rights groups said separatist fighters had kidnapped dozens of teachers.",
     "separatist fighters"),
    ("Villagers said government troops were responsible for the fire.", "government troops"),
    ("A survivor said the gunmen went from house to house before shooting the men.", "gunmen"),
    ("A drone operated by the militia struck the clinic, witnesses said.", "militia"),
])
def test_accused_forms(nlp: Any, text: str, accused: str) -> None:
    assert read(nlp, text).accused == accused


@pytest.mark.parametrize("text, speaker", [
    ("Each such vehicle is a tactical unit and considered a legitimate military target in "
     "accordance with the US Army classification, Konashenkov said.", "Konashenkov"),
    ("According to the World Health Organization, four hospitals stopped working.",
     "the World Health Organization"),
    ("Peskov told reporters on Wednesday that the Kremlin had no information.", "Peskov"),
    ("In a statement, the ministry of health said the toll had risen.", "the ministry of health"),
    ("Amnesty International released a report on Tuesday saying the strikes hit homes.",
     "Amnesty International"),
    ("Army says rebels shelled the border town", "Army"),
    ("Human Rights Watch: Militia fighters executed prisoners near the dam", "Human Rights Watch"),
    ("Local officials, who asked not to be named, said the bridge was destroyed.",
     "Local officials"),
    ("Survivors and relatives accused the guards of beating detainees.",
     "Survivors and relatives"),
    ("The Taliban claimed responsibility for the bombing.", "The Taliban"),
])
def test_speaker_forms(nlp: Any, text: str, speaker: str) -> None:
    assert read(nlp, text).speaker == speaker


def test_pronouns_and_bare_descriptions_take_earlier_speakers(nlp: Any) -> None:
    found = read_all(nlp, "Maria Petrova, a spokeswoman for the Interior Ministry, said the "
                     "footage was doctored. She added that no police unit had been in the area. "
                     "The ministry said an inquiry would be opened.")
    assert found[0].speaker == "Maria Petrova" and not found[0].resolved
    assert (found[1].speaker, found[1].speaker_org, found[1].resolved) == (
        "Maria Petrova", "Interior Ministry", True)
    assert (found[2].speaker, found[2].resolved) == ("Interior Ministry", True)


def test_a_pronoun_without_context_stays_a_pronoun(nlp: Any) -> None:
    assert read(nlp, "He said the soldiers had fired warning shots.").speaker == "He"


def test_context_sentences_have_no_statement(nlp: Any) -> None:
    a = read(nlp, "Each cluster bomb scatters scores of bomblets over an area the size of a "
                  "football pitch.")
    assert (a.speaker, a.content, a.reported) == ("", "", False)


def test_places_leave_out_actors_and_dates_take_weekdays(nlp: Any) -> None:
    a = read(nlp, "Russia said on Tuesday that its jets struck targets near Aleppo and Idlib.")
    assert "Russia" not in a.places and "Aleppo" in a.places
    assert a.date == "2015-12-22"


def test_a_country_before_a_headline_colon_is_the_topic_not_the_speaker(nlp: Any) -> None:
    assert read(nlp, "Syria: Cluster munition strike on Idlib camp").speaker == ""
    assert read(nlp, "Amnesty: Russian bombing of Syria may be a war crime").speaker == "Amnesty"


def test_a_party_before_a_headline_colon_speaks_whatever_follows(nlp: Any) -> None:
    a = read(nlp, "Armenian MoD: Azerbaijani claim that Armenian units fired first is "
                  "disinformation")
    assert a.speaker == "Armenian MoD"
    assert read(nlp, "Ukraine war: Russia says it downed 20 drones").speaker == "Russia"


def test_an_act_of_war_as_subject_is_nobody_speaking(nlp: Any) -> None:
    assert read(nlp, "Turkish drone strike kills three Yazidi civilians near Sinune").speaker == ""
    assert read(nlp, "Russian troops shelled the village, residents said.").speaker == "residents"


def test_a_hyphenated_organisation_keeps_its_whole_name(nlp: Any) -> None:
    found = read_all(nlp, "The Inter-Services Public Relations said troops escorted the convoy. "
                     "It described the claims as baseless propaganda.")
    assert found[0].speaker_org == "Inter-Services Public Relations"
    assert found[1].speaker_org == "Inter-Services Public Relations"


def test_a_headline_verb_taken_for_a_noun_is_no_part_of_the_speaker(nlp: Any) -> None:
    [claim] = read_all(nlp, "Iraqi militia rejects blame for civilian deaths near Erbil")
    assert claim.speaker == "Iraqi militia"


def test_an_act_of_war_is_no_speaker_of_a_conjoined_said(nlp: Any) -> None:
    [claim] = read_all(nlp, "The agency relayed the statement that the Djibo strike hit an "
                       "armed meeting and said only combatants were killed.")
    assert "strike" not in claim.speaker



def test_an_outlet_relaying_a_statement_gives_the_statements_owner_as_speaker(nlp: Any) -> None:
    daily = read(nlp, "The state-run daily repeated the military council's statement that "
                      "reports of an attack on a church were fabricated by terrorist groups.")
    assert daily.speaker == "the military council"
    assert "fabricated" in daily.content
    paper = read(nlp, "The paper cited the military source's statement dismissing the school "
                      "bus reports.")
    assert paper.speaker == "the military source"
    # a known party citing another's statement is still the speaker
    amnesty = read(nlp, "Amnesty International cited the army's statement that only fighters "
                        "were killed.")
    assert amnesty.speaker != "the army"
    # the next sentence's "he" is the relayed speaker, not the outlet
    first, second = read_all(nlp, "The channel quoted the spokesman's statement in full. "
                                  "It said no civilians were present.")
    assert first.speaker == "the spokesman" and second.speaker == "the spokesman"


def test_a_rank_before_a_name_is_no_organisation(nlp: Any) -> None:
    a = read(nlp, "The Tatmadaw did not carry out any air operations in the township, Major "
                  "General Kyaw Thet Naing of the military's information team said.")
    assert a.speaker == "Kyaw Thet Naing"
    assert a.speaker_org == "military's information team"


def test_an_outlet_reporting_a_statement_gives_the_statements_subject_as_speaker(nlp: Any) -> None:
    a = read(nlp, "The navy has again rejected the fishermen's account of the sinking, the "
                  "Coastal Herald reported, citing a naval statement issued on Monday.")
    assert a.speaker == "The navy"
    repeated = read(nlp, "The coastguard repeated that the boat carried smugglers, the Coastal "
                         "Herald reported, citing its statement.")
    assert repeated.speaker == "The coastguard"
    # an outlet reporting an event, no statement, stays the speaker
    b = read(nlp, "Four boats sank in the storm, the Coastal Herald reported.")
    assert b.speaker == "the Coastal Herald"


def test_a_numbered_unit_before_a_headline_colon_is_the_speaker(nlp: Any) -> None:
    a = read(nlp, "4th ID: no shells fired at the village; rebel mortars caused the blasts")
    assert a.speaker == "4th ID"

