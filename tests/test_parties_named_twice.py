"""Parties named two ways in one story, owners of the claims a denial rejects, speakers named
by a title and a name, and the accused's own version of events as a dispute about war."""

from __future__ import annotations

from dataclasses import replace

from monitor.detect import parties
from monitor.detect.aliases import alias_map, resolve_aliases, same_party
from monitor.detect.denials import find_denials, is_armed_dispute
from monitor.detect.speakers import resolve_speakers, resolve_state_organs, title
from tests.detect_helpers import claim


def test_an_acronym_or_a_short_name_is_one_party_with_the_full_name() -> None:
    assert same_party("SSA", "Stability Support Apparatus")
    assert same_party("MSS", "Multinational Security Support")
    assert same_party("Radaa", "Radaa Special Deterrence Force")
    assert not same_party("SSA", "Sudan Support Alliance Network")  # four initials
    assert not same_party("Radaa", "Special Deterrence Force")
    names = alias_map(["MSS", "Multinational Security Support", "RNDDH", "Radaa",
                       "Radaa Fighters", "Somali Region", "Somali Regional Government"])
    assert names["MSS"] == names["Multinational Security Support"] == (
        "Multinational Security Support")
    assert names["Radaa Fighters"] == "Radaa"
    assert "RNDDH" not in names
    assert "Somali Region" not in names  # a demonym of a known state joins nothing


def test_the_mission_denying_answers_a_charge_against_its_acronym() -> None:
    charge = claim("c1", "a1", "allegation", "RNDDH accuses MSS of killing three civilians.",
                   speaker="RNDDH", speaker_actor="RNDDH", accused="MSS", accused_actor="MSS")
    denial = claim("d1", "a2", "denial", "The Multinational Security Support mission "
                   "rejected accusations that its officers killed civilians.",
                   speaker="The Multinational Security Support mission",
                   speaker_actor="Multinational Security Support",
                   accused="The Multinational Security Support mission",
                   accused_actor="Multinational Security Support", hours=3)
    assert find_denials(denial, [charge]) == []  # as written, nobody's charge
    earlier, resolved = resolve_aliases([charge, denial])
    [alert] = find_denials(resolved, [earlier])
    assert alert.answers == ("c1",)


def test_a_denial_names_an_unknown_or_numbered_party_whose_claim_it_rejects() -> None:
    radaa = claim("r1", "a1", "denial", "A Radaa spokesman said the mortar rounds had been "
                  "fired from SSA positions.", speaker="A Radaa spokesman",
                  speaker_actor="Radaa Special Deterrence Force")
    assert parties.claim_owners("SSA spokesman rejects Radaa claim", [radaa]) == {
        "Radaa Special Deterrence Force"}
    # a word ending the name is no owner: "citing the Operation Safe Haven statement"
    haven = replace(radaa, speaker="Operation Safe Haven", speaker_actor="Operation Safe Haven")
    assert parties.claim_owners("citing the Operation Safe Haven statement", [haven]) == set()
    three_r = claim("r2", "a1", "denial", "3R denied any role.", speaker="3R",
                    speaker_actor="3R")
    assert parties.claim_owners("He dismissed the 3R claim that the army killed villagers",
                                [three_r]) == {"3R"}


def test_an_unknown_acronyms_claim_is_the_claim_of_the_speaker_so_named() -> None:
    front = claim("f1", "a1", "allegation", "He said soldiers burned the huts.", speaker="He",
                  speaker_actor="FPK")
    owners = parties.claim_owners("The army dismissed as lies the FPK's claim that troops "
                                  "burned huts", [front], "Chad")
    assert owners == {"FPK"}
    # an acronym no speaker of the story bears names nobody
    assert parties.claim_owners("The army dismissed the UPK's claim", [front]) == set()


def test_the_armys_claim_is_the_claim_of_the_storys_one_state() -> None:
    army = claim("s1", "a1", "denial", "The army carried out no operation.",
                 speaker="Sudanese Armed Forces spokesman", speaker_actor="Sudanese Armed Forces")
    rsf = claim("r1", "a2", "denial", "x", speaker_actor="Rapid Support Forces", hours=2)
    owners = parties.claim_owners("An adviser dismissed the army's accusation as a lie",
                                  [army, rsf], "Rapid Support Forces")
    assert owners == {"Sudanese Armed Forces"}
    assert parties.claim_owners("An adviser dismissed the army's accusation", [rsf]) == set()


def test_a_role_before_a_persons_name_is_the_speakers_title() -> None:
    assert title("Government spokesperson Maxime Balalou") == "Government spokesperson"
    assert title("Army spokesman Col. Ali Musa") == "Army spokesman Col."
    assert title("Brigadier General Ali Musa") == "Brigadier General"
    assert title("Ali Musa") == title("Spokesman") == ""
    assert title("The Government Communication Service") == ""
    headline = claim("h1", "a1", "denial", "Bangui: our troops killed 3R fighters",
                     speaker="Bangui", speaker_actor="Central African Republic", index=0)
    body = claim("b1", "a1", "denial", "Government spokesperson Maxime Balalou dismissed the "
                 "3R claim.", speaker="Government spokesperson Maxime Balalou", index=1)
    resolved = {c.id: c for c in resolve_speakers([headline, body])}
    assert resolved["b1"].speaker_actor == "Central African Republic"


def test_in_a_story_of_two_states_a_state_organ_speaks_for_the_state_whose_outlet_it_is() -> None:
    charge = claim("c1", "a1", "allegation", "Eritrean and Ethiopian troops killed nine.",
                   accused="Eritrean Defence Forces and Ethiopian National Defense Force",
                   accused_actor="Eritrea")
    eritrea = claim("e1", "a2", "denial", "x", speaker_actor="Eritrea", hours=1)
    service = claim("d1", "a3", "denial", "No federal troops were present, the Government "
                    "Communication Service said.", speaker="The Government Communication "
                    "Service", source="Ethiopian Government Communication Service", hours=2)
    story = [charge, eritrea, replace(charge, id="c2", accused="Ethiopian troops",
                                      accused_actor="Ethiopia (government)")]
    [resolved] = resolve_state_organs([service], story)
    assert resolved.speaker_actor == "Ethiopia (government)"
    wire = replace(service, source="Addis Standard")
    assert resolve_state_organs([wire], story)[0].speaker_actor == ""


def test_the_accused_version_blaming_the_other_side_for_deaths_is_about_war() -> None:
    charge = claim("c1", "a1", "allegation", "Oromia special forces killed 15 civilians.",
                   speaker_actor="Somali Regional Government",
                   accused_actor="Oromia Special Forces")
    rejects = claim("o1", "a2", "denial", "The Oromia regional government rejected the "
                    "accusation as baseless.", speaker_actor="Oromia Regional Government",
                    hours=2)
    version = claim("o2", "a2", "allegation", "Officials said the deaths resulted from "
                    "clashes started by the Somali region's Liyu police.",
                    speaker_actor="Oromia Regional Government", hours=2)
    story = [charge, rejects, version]
    assert not is_armed_dispute(version, story)  # no word of war in it
    assert is_armed_dispute(version, story, chained=True)
    staged = replace(version, text="Claims of dead farmers are a staged provocation.")
    assert not is_armed_dispute(staged, story, chained=True)  # a charge of lying


def test_the_target_of_an_act_is_not_its_accused() -> None:
    headline = claim("c1", "a1", "allegation", "Israeli strike on UN school kills 12",
                     accused="Israeli strike on UN school in Gaza City")
    assert parties.accused_sides(headline) == {"Israel"}
    # the extractor's actor for the whole phrase is the target's: "operation against the FPK"
    operation = claim("c2", "a1", "allegation", "Mortar rounds hit homes during an army "
                      "operation against the FPK.", accused="army operation against the FPK",
                      accused_actor="FPK")
    assert parties.accused_sides(operation) == set()


def test_a_paramilitary_force_is_no_states_force() -> None:
    army = claim("s1", "a0", "denial", "x", speaker_actor="Sudanese Armed Forces")
    charge = claim("c1", "a1", "allegation", "Doctors accused the paramilitary force of "
                   "targeting civilians.", speaker_actor="Sudan Doctors Network",
                   accused="the paramilitary force", hours=1)
    assert "Sudanese Armed Forces" not in parties.blamed_sides(charge, [army, charge])
    soldiers = replace(charge, accused="government forces")
    assert "Sudanese Armed Forces" in parties.blamed_sides(soldiers, [army, soldiers])



def test_a_ruling_military_council_is_a_state_organ_and_a_security_council_is_not() -> None:
    from monitor.detect.speakers import is_role

    assert is_role("the military council") and is_role("the Transitional Military Council")
    assert not is_role("the Security Council") and not is_role("the council")


def test_a_negation_after_a_new_said_clears_nobody_named_before_it() -> None:
    text = ("Kharkiv's mayor called the attack a deliberate blow by Russian forces against "
            "ordinary people and said there was no military facility near the mall.")
    assert parties.cleared_sides(text) == set()
    assert parties.cleared_sides("Russian forces did not strike the mall, the ministry said.") \
        == {"Russia"}


def test_armed_men_killing_travellers_is_a_charge_about_war() -> None:
    charge = claim("c1", "a1", "allegation", "Armed men stopped a passenger bus and opened "
                   "fire, killing 16 people, the regional bureau said.",
                   speaker="the regional bureau", accused="Armed men")
    assert is_armed_dispute(charge, [charge])
    leak = claim("c2", "a1", "allegation", "The opposition said the minister leaked the "
                 "budget to his men.", speaker="The opposition", accused="the minister")
    assert not is_armed_dispute(leak, [leak])
