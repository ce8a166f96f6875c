"""find_denials (pure): actor matching, counter-claims, deflections, admissions; and the
Detector over a store: one alert per event, re-reports threaded, `other` stories guarded."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import pytest

from monitor.detect.denials import answers, find_denials
from monitor.detect.detector import Detector
from monitor.records import Alert, Claim
from monitor.store import Store, iso
from monitor.store.alerts import write_alerts
from tests.detect_helpers import T0, WordEncoder, claim, dead

AMNESTY = claim("c1", "a1", "allegation", "Amnesty said Russian bombers killed 119 civilians.",
                speaker="Amnesty International", speaker_actor="Amnesty International",
                accused="Russian bombers", accused_actor="Russia")
AMNESTY_2 = claim("c2", "a2", "allegation", "Russian strikes hit homes and hospitals.",
                  speaker="Amnesty International", speaker_actor="Amnesty International",
                  accused="Russian air force", accused_actor="Russia", hours=1)


def test_the_accused_denying_answers_every_matching_allegation() -> None:
    denial = claim("d1", "a3", "denial", "Russia's Defence Ministry dismissed the report.",
                   speaker="Igor Konashenkov", speaker_actor="Russia", hours=2)
    [alert] = find_denials(denial, [AMNESTY, AMNESTY_2], "s1")
    assert alert.kind == "denial" and alert.answers == ("c1", "c2")
    assert alert.claim_id == "d1" and alert.story_id == "s1"
    assert alert.reason.startswith("Russia (Igor Konashenkov) denies Amnesty International's")
    assert 0.5 <= alert.score <= 1


def test_a_denial_on_behalf_of_the_accused_counts() -> None:
    denial = claim("d1", "a3", "denial", speaker="a spokesman", accused="Russian forces",
                   accused_actor="Russia", hours=2)
    [alert] = find_denials(denial, [AMNESTY])
    assert alert.answers == ("c1",)


def test_someone_else_denying_is_not_an_answer() -> None:
    denial = claim("d1", "a3", "denial", speaker="Hamas", speaker_actor="Hamas",
                   accused_actor="Hamas", hours=2)
    assert find_denials(denial, [AMNESTY]) == []


def test_deflections_and_admissions_are_never_denials() -> None:
    deflection = claim("d1", "a3", "other", "The Kremlin has not seen the report.",
                       speaker="Dmitry Peskov", speaker_actor="Russia", flags=["deflection"])
    flagged = claim("d2", "a3", "denial", "We have no information about it.",
                    speaker="Dmitry Peskov", speaker_actor="Russia", flags=["deflection"])
    admission = claim("d3", "a3", "admission", "The ministry admitted a strike hit homes.",
                      speaker="Russian Defence Ministry", speaker_actor="Russia")
    for new in (deflection, flagged, admission):
        assert find_denials(new, [AMNESTY]) == []


def test_a_claim_of_the_same_article_is_not_answered() -> None:
    denial = claim("d1", "a1", "denial", speaker_actor="Russia", hours=2)
    assert find_denials(denial, [AMNESTY]) == []


UKRAINE = claim("u1", "k1", "allegation", "Russian artillery struck the aid point.",
                speaker="regional administration", speaker_actor="Ukraine",
                accused="Russian artillery", accused_actor="Russia")


def test_counter_accusation_as_allegation_is_answered_by_the_blamed_party() -> None:
    counter = claim("r1", "k2", "allegation", "A Ukrainian air-defence missile caused the blast.",
                    speaker="Russian-installed administration", speaker_actor="Russia",
                    accused="Ukrainian air defence", accused_actor="Ukraine", hours=1)
    denial_by_russia = claim("r2", "k2", "denial", "Russian forces had not fired on Kherson.",
                             speaker_actor="Russia", accused_actor="Russia", hours=1)
    [alert] = find_denials(denial_by_russia, [UKRAINE])
    assert alert.answers == ("u1",)
    rejection = claim("u2", "k3", "denial", "The Russian claim is cynical disinformation.",
                      speaker="Southern Defence Forces", speaker_actor="Ukraine",
                      accused_actor="Ukraine", hours=2)
    [alert] = find_denials(rejection, [UKRAINE, counter, denial_by_russia])
    assert alert.answers[0] == "r1" and "u1" not in alert.answers  # not Ukraine's own
    assert alert.extra["counter"] is True
    assert "rejects Russia's counter-claim" in alert.reason


def test_counter_accusation_flagged_denial_targets_the_original_accuser() -> None:
    counter = claim("r1", "k2", "denial", "The blast was caused by a missile that fell short.",
                    speaker_actor="Russia", accused_actor="Russia",
                    flags=["counter_accusation"], hours=1)
    rejection = claim("u2", "k3", "denial", "No air-defence systems were operating.",
                      speaker_actor="Ukraine", accused_actor="Ukraine", hours=2)
    [alert] = find_denials(rejection, [UKRAINE, counter])
    assert alert.answers == ("r1",)
    bystander = claim("x1", "k4", "denial", "We had nothing to do with it.",
                      speaker_actor="Belarus", accused_actor="Belarus", hours=3)
    assert find_denials(bystander, [UKRAINE, counter]) == []


def test_a_denial_naming_whose_claim_it_rejects_answers_that_party() -> None:
    counter = claim("r1", "k2", "allegation", "A Ukrainian air-defence missile hit the clinic.",
                    speaker="the ministry", speaker_actor="Russia",
                    accused="Ukrainian air-defence missile", hours=1)
    rejection = claim("u2", "k3", "denial", "Air Force rejects Russian version of the strike",
                      speaker="Air Force", speaker_actor="Air", hours=2)
    [alert] = find_denials(rejection, [UKRAINE, counter])
    assert alert.answers == ("r1",)  # not Ukraine's allegation against Russia


def test_a_generic_accused_is_the_storys_only_state_or_the_group_named_alike() -> None:
    residents = claim("c1", "a1", "allegation", "Soldiers opened fire at the bazaar.",
                      speaker="residents", speaker_actor="Residents", accused="soldiers")
    minister = claim("d1", "a2", "denial", "The operation targeted dissidents.",
                     speaker="Colombia's defence minister",
                     speaker_actor="Colombia (government)", hours=2)
    [alert] = find_denials(minister, [residents])
    assert alert.answers == ("c1",)
    attack = claim("c2", "a1", "allegation", "Separatist terrorists attacked the school.",
                   speaker_actor="Cameroon (government)", accused="separatist terrorists")
    leaders = claim("d2", "a2", "denial", "Our fighters were not involved.",
                    speaker="Ambazonian separatist leaders",
                    speaker_actor="Ambazonian Separatist Leaders", hours=2)
    [alert] = find_denials(leaders, [attack])
    assert alert.answers == ("c2",)


def test_an_inquiry_rejecting_a_version_is_no_denial() -> None:
    denial = claim("d1", "a2", "denial", "Damascus said the attack was staged.",
                   speaker_actor="Syria (government)", hours=2)
    inquiry = claim("f1", "a3", "denial", "Investigators found nothing to support the claims "
                    "by Syrian authorities that the incident had been staged.",
                    speaker="Investigators", speaker_actor="Investigators", hours=90)
    assert find_denials(inquiry, [AMNESTY, denial]) == []


def test_a_justification_is_a_denial_by_the_accused() -> None:
    justification = claim("r1", "k2", "denial", "The vehicles were legitimate military targets.",
                          speaker="Konashenkov", speaker_actor="Russia",
                          flags=["justification"], hours=1)
    [alert] = find_denials(justification, [AMNESTY])
    assert alert.answers == ("c1",)


def _story(store: Store, story_id: str = "s1", label: str = "war_crime_allegation") -> None:
    with store.transaction() as db:
        db["stories"].insert({"id": story_id, "title": "t", "label": label,
                              "first_seen": iso(T0), "last_seen": iso(T0)}, replace=True)


def _feed(store: Store, detector: Detector, claims: Sequence[Claim],
          story_id: str = "s1") -> list[Alert]:
    """What the pipeline does for one article: write its claims, detect, write alerts."""
    from monitor.store.claims import write_claims

    with store.transaction() as db:
        for aid in {c.article_id for c in claims}:
            db["articles"].insert({"id": aid, "title": aid}, replace=True)
        write_claims(db, claims, story_id, T0)
        alerts = detector.detect(db, story_id, claims, T0)
        write_alerts(db, alerts, T0)
    return alerts


@pytest.fixture
def detector() -> Detector:
    return Detector(WordEncoder(), pairs=None)


def test_several_denial_sentences_of_one_article_make_one_alert(
        store: Store, detector: Detector) -> None:
    _story(store)
    _feed(store, detector, [AMNESTY])
    weak = claim("d1", "a3", "denial", "The ministry called the report biased.",
                 speaker_actor="Russia", score=0.6, hours=2, index=1)
    strong = claim("d2", "a3", "denial", "Russia denied using cluster munitions in Syria.",
                   speaker_actor="Russia", score=0.95, hours=2, index=2)
    [alert] = _feed(store, detector, [weak, strong])
    assert alert.claim_id == "d2" and alert.answers == ("c1",)
    assert alert.thread_of is None


def test_the_same_denial_re_reported_joins_the_first_alerts_thread(
        store: Store, detector: Detector) -> None:
    _story(store)
    _feed(store, detector, [AMNESTY])
    [first] = _feed(store, detector, [claim(
        "d1", "a3", "denial", "Russia's Defence Ministry dismissed the Amnesty report.",
        speaker="Russian Defence Ministry", speaker_actor="Russia", hours=2)])
    [again] = _feed(store, detector, [claim(
        "d2", "a4", "denial", "Igor Konashenkov said the report contained fake information.",
        speaker="Igor Konashenkov", speaker_actor="Russia", source="Other Wire", hours=5)])
    assert first.thread_of is None
    assert again.thread_of == first.id and again.id != first.id
    [third] = _feed(store, detector, [claim(
        "d3", "a5", "denial", "The Kremlin rejected the report.",
        speaker_actor="Russia", source="Third Wire", hours=7)])
    assert third.thread_of == first.id  # the thread's root, not the previous re-report
    with store.reading() as db:
        row = db["alerts"].get(again.id)
    assert row["thread_of"] == first.id and json.loads(row["answers"]) == ["c1"]


def test_a_different_party_denying_is_a_new_alert(store: Store, detector: Detector) -> None:
    _story(store)
    drc = claim("c1", "a1", "allegation", "M23 and Rwandan troops shelled the camp.",
                speaker_actor="DR Congo (government)", accused="M23 and Rwandan troops",
                accused_actor="M23")
    _feed(store, detector, [drc])
    [m23] = _feed(store, detector, [claim("d1", "a2", "denial", "M23 denied firing on the camp.",
                                          speaker_actor="M23", hours=2)])
    [rwanda] = _feed(store, detector, [claim("d2", "a3", "denial", "Rwanda had nothing to do "
                                             "with it.", speaker_actor="Rwanda", hours=4)])
    assert m23.thread_of is None and rwanda.thread_of is None


def test_a_contradiction_of_what_the_article_denies_is_the_denial(
        store: Store, detector: Detector) -> None:
    _story(store)
    report = claim("c1", "a1", "allegation", "The strike killed at least 40 civilians.",
                   speaker_actor="Doctors", accused_actor="Pakistan",
                   casualties=[dead(40, None, "at_least", "civilians")])
    _feed(store, detector, [report])
    denial = claim("d1", "a2", "denial", "No civilians were harmed in the strike.",
                   speaker_actor="Pakistan", casualties=[dead(0, 0, "none", "civilians")],
                   hours=2)
    alerts = _feed(store, detector, [denial])
    assert [a.kind for a in alerts] == ["denial"]


def test_no_alert_on_a_story_labelled_other(store: Store, detector: Detector) -> None:
    _story(store, label="other")
    _feed(store, detector, [AMNESTY])
    denial = claim("d1", "a3", "denial", speaker_actor="Russia", hours=2)
    assert _feed(store, detector, [denial]) == []


def test_a_speaker_named_by_role_speaks_for_the_party_quoted_before() -> None:
    from monitor.detect.speakers import resolve_speakers

    said = claim("n1", "a2", "allegation", "The Nigerian Air Force said it struck bandits.",
                 speaker="The Nigerian Air Force", speaker_actor="Nigeria (government)",
                 index=1)
    spokesman = claim("n2", "a2", "denial", "The spokesman said no civilians were harmed.",
                      speaker="The Air Force's spokesman", speaker_actor="Air Force",
                      accused="The Air Force's spokesman", accused_actor="Air Force", index=2)
    witness = claim("n3", "a2", "other", "A witness said the jet came twice.",
                    speaker="A witness", speaker_actor="Witness", index=3)
    resolved = resolve_speakers([said, spokesman, witness])
    assert resolved[1].speaker_actor == "Nigeria (government)"
    assert resolved[1].accused_actor == "Nigeria (government)"  # a denial defends its speaker
    assert resolved[2] == witness  # a named speaker keeps its name
    headline = claim("h1", "a3", "denial", "Spokesman: the reports are false.",
                     speaker="Spokesman", speaker_actor="Spokesman", index=0)
    body = claim("h2", "a3", "denial", "Moscow rejected the report.", speaker="Moscow",
                 speaker_actor="Russia", index=1)
    assert resolve_speakers([headline, body])[0].speaker_actor == "Russia"


def test_a_state_organ_quoted_alone_is_the_storys_only_state() -> None:
    from monitor.detect.speakers import resolve_state_organs

    ministry = claim("m1", "a4", "denial", "The ministry called the claims absurd.",
                     speaker="The Ministry of Defence", speaker_actor="Defence")
    resolved = resolve_state_organs([ministry], [claim(
        "c1", "a1", "allegation", "Cameroon blamed the separatists.", speaker="Cameroon",
        speaker_actor="Cameroon (government)", accused="separatists")])
    assert resolved[0].speaker_actor == "Cameroon (government)"
    two_states = [AMNESTY, claim("u1", "a1", "allegation", speaker_actor="Ukraine",
                                 accused_actor="Russia")]
    assert resolve_state_organs([ministry], two_states) == [ministry]


def test_the_accused_blaming_someone_else_is_its_version_but_no_denial_alert() -> None:
    ministry = claim("g1", "a1", "allegation", "An Israeli strike killed 18 people.",
                     speaker="Gaza Health Ministry", speaker_actor="Gaza Health Ministry",
                     accused_actor="Israel")
    idf = claim("i1", "a2", "allegation", "The IDF accused Islamic Jihad of firing from homes.",
                speaker="The IDF", speaker_actor="Israel", accused="Islamic Jihad",
                accused_actor="Palestinian Islamic Jihad", hours=2)
    assert find_denials(idf, [ministry]) == []  # in a border clash both sides accuse
    [version] = answers(idf, [ministry], versions=True)  # which findings may contradict
    assert version.claim.id == "g1" and version.strength < 0.9
    restated = claim("g2", "a3", "allegation", "The ministry said Israeli fire killed 34.",
                     speaker="Gaza Health Ministry", speaker_actor="Gaza Health Ministry",
                     accused="the Israeli army", hours=4)
    hamas_blamed = claim("i2", "a2", "allegation", "Israel said Hamas used the school.",
                         speaker_actor="Israel", accused_actor="Hamas", hours=2)
    assert find_denials(restated, [ministry, hamas_blamed]) == []


def test_an_armed_group_named_generically_is_the_storys_only_armed_group() -> None:
    attack = claim("j1", "a1", "allegation", "Jihadists killed 200 civilians digging trenches.",
                   speaker="security sources", speaker_actor="Security Sources",
                   accused="jihadists")
    jnim = claim("j2", "a2", "denial", "JNIM said those killed were army auxiliaries.",
                 speaker="JNIM", speaker_actor="JNIM", flags=["justification"], hours=3)
    [alert] = find_denials(jnim, [attack])
    assert alert.answers == ("j1",)


def test_sentences_of_one_article_contradicting_the_same_denial_are_one_alert(
        store: Store, detector: Detector) -> None:
    _story(store)
    _feed(store, detector, [AMNESTY])
    _feed(store, detector, [claim("d1", "a2", "denial", "Russia denied using cluster bombs.",
                                  speaker_actor="Russia", hours=2)])
    headline = claim("f1", "a3", "allegation", "Ukraine: Russian cluster bombs killed civilians.",
                     speaker="Ukraine", speaker_actor="Ukraine", accused_actor="Russia",
                     hours=9, index=0)
    finding = claim("f2", "a3", "allegation", "Researchers found Russian submunition remnants.",
                    speaker="Human Rights Watch", speaker_actor="Human Rights Watch",
                    accused_actor="Russia", hours=9, index=1)
    alerts = _feed(store, detector, [headline, finding])
    assert [a.kind for a in alerts] == ["contradiction"] and alerts[0].answers == ("d1",)


def test_a_revised_sentence_is_embedded_again(store: Store, detector: Detector) -> None:
    _story(store)
    _feed(store, detector, [AMNESTY, AMNESTY_2])
    with store.reading() as db:
        before = dict(db.execute("select id, embedding from claims").fetchall())
    revised = claim("c2", "a2", "allegation", "Russian strikes hit a hospital in Idlib.",
                    speaker_actor="Amnesty International", accused_actor="Russia", hours=1)
    _feed(store, detector, [revised])
    with store.reading() as db:
        after = dict(db.execute("select id, embedding from claims").fetchall())
    assert after["c1"] == before["c1"]  # untouched sentence: its embedding is kept
    assert after["c2"] and after["c2"] != before["c2"]


def test_in_a_story_naming_no_state_its_organs_and_forces_are_one_party() -> None:
    """Local outlets write "soldiers killed four farmers" and "the defence ministry said"
    without naming their own country: the ministry answers the charge against the soldiers."""
    from monitor.detect.parties import UNNAMED_STATE
    from monitor.detect.speakers import resolve_state_organs

    charge = claim("s1", "a1", "allegation", "Residents said soldiers killed four farmers.",
                   speaker="Residents", speaker_actor="Residents", accused="soldiers")
    ministry = claim("s2", "a2", "denial", "The ministry rejected the community's version.",
                     speaker="A ministry spokesman", speaker_actor="Ministry Spokesman",
                     hours=5)
    [resolved] = resolve_state_organs([ministry], [charge])
    assert resolved.speaker_actor == UNNAMED_STATE
    [alert] = find_denials(resolved, [charge])
    assert alert.answers == ("s1",)
    # once the story names a state, its organs are that state's
    named = claim("s3", "a3", "allegation", "Colombian troops killed them, a rights group said.",
                  speaker="Rights group", speaker_actor="Rights Group",
                  accused="Colombian troops", accused_actor="Colombia (government)")
    [organ] = resolve_state_organs([ministry], [charge, named])
    assert organ.speaker_actor == "Colombia (government)"


def test_an_allegation_never_blames_its_own_speakers_side() -> None:
    from monitor.detect.parties import blamed_sides

    own = claim("o1", "a1", "allegation", "The army said a military jet hit the depot.",
                speaker="Myanmar military", speaker_actor="Myanmar military",
                accused="military jet")
    other = claim("o2", "a2", "allegation", "A military jet bombed the school, Ukraine said.",
                  speaker="Ukraine", speaker_actor="Ukraine", accused="military jet")
    assert blamed_sides(other, [own, other]) == frozenset({"Myanmar military"})


def test_the_accused_calling_the_dead_terrorists_denies_the_charge() -> None:
    charge = claim("j1", "a1", "allegation", "A Turkish drone killed three civilians in Sinjar.",
                   speaker="Yazidi officials", speaker_actor="Yazidi Officials",
                   accused="Turkish drone", accused_actor="Turkey")
    version = claim("j2", "a2", "other", "Turkish intelligence neutralised three PKK "
                    "terrorists in Sinjar.", speaker="Turkish intelligence",
                    speaker_actor="Turkey", hours=6)
    [alert] = find_denials(version, [charge])
    assert alert.answers == ("j1",)
    bystander = claim("j3", "a3", "other", "Iraqi officials said the army killed two "
                      "militants elsewhere.", speaker="Iraqi officials",
                      speaker_actor="Iraq (government)", hours=7)
    assert find_denials(bystander, [charge]) == []  # never accused: no answer
    unrelated = claim("j4", "a4", "other", "Turkish officials opened a new border crossing.",
                      speaker="Turkish officials", speaker_actor="Turkey", hours=8)
    assert find_denials(unrelated, [charge]) == []


def test_an_allegation_naming_the_denier_only_in_passing_is_answered() -> None:
    beatings = claim("n1", "a1", "allegation", "Freed soldiers describe beatings in Russian "
                     "detention, the ombudsman said.", speaker="Ombudsman",
                     speaker_actor="Ukraine")
    rebuttal = claim("n2", "a2", "denial", "The Russian Foreign Ministry dismissed the accounts "
                     "of abuse as fabricated propaganda.", speaker="Russian Foreign Ministry",
                     speaker_actor="Russia", hours=30)
    [alert] = find_denials(rebuttal, [beatings])
    assert alert.answers == ("n1",)
    other_side = claim("n3", "a3", "denial", "Kyiv called the reports false.", speaker="Kyiv",
                       speaker_actor="Ukraine", hours=31)
    assert find_denials(other_side, [beatings]) == []  # the accuser's own side


def test_the_owner_of_the_rejected_claims_is_not_whom_a_denial_speaks_for() -> None:
    from monitor.detect.parties import speaking_for

    rejection = claim("o1", "a1", "denial", "The source said the claims circulated by the White "
                      "Helmets were fabrications.", speaker="The source", speaker_actor="Source")
    assert speaking_for(rejection) == "Source"


def test_a_drone_strike_with_no_named_culprit_is_the_storys_one_state() -> None:
    strike = claim("s1", "a1", "allegation", "A drone strike hit a crowded market, killing "
                   "dozens, residents said.", speaker="Residents", speaker_actor="Residents")
    government = claim("s2", "a2", "denial", "It dismissed reports of an attack on a market as "
                       "fabricated.", speaker="Government", speaker_actor="State forces "
                       "(unnamed)", hours=20)
    [alert] = find_denials(government, [strike])
    assert alert.answers == ("s1",)
    raid = claim("s3", "a1", "allegation", "Gunmen raided a crowded market, residents said.",
                 speaker="Residents", speaker_actor="Residents")
    assert find_denials(government, [raid]) == []  # no air power, no state implied


def test_a_denial_answers_only_a_claim_about_war() -> None:
    leak = claim("l1", "a1", "allegation", "Opposition parties accused Furlong of leaking the "
                 "defence review to damage a rival.", speaker="Opposition parties",
                 speaker_actor="Opposition Parties", accused="Furlong")
    denial = claim("l2", "a2", "denial", "Furlong denied leaking the review.", speaker="Furlong",
                   speaker_actor="Furlong", hours=5)
    assert find_denials(denial, [leak]) == []
    raid = replace(leak, id="l3", text="Villagers accused Furlong's militia of burning homes.")
    assert [a.answers for a in find_denials(denial, [raid])] == [("l3",)]


def test_a_states_non_violent_dispute_and_an_unsaid_denial_raise_nothing() -> None:
    rigging = claim("e1", "a1", "allegation", "The opposition said ballot papers were "
                    "pre-marked by the Electoral Commission of Zambia.", speaker="Opposition",
                    speaker_actor="Opposition", accused="Electoral Commission of Zambia",
                    accused_actor="Zambia")
    commission = claim("e2", "a2", "denial", "The Electoral Commission of Zambia rejected the "
                       "claims.", speaker="Electoral Commission of Zambia",
                       speaker_actor="Zambia", hours=4)
    assert find_denials(commission, [rigging]) == []
    drone = claim("e3", "a1", "allegation", "Pakistan said militants used a quadcopter to "
                  "kill two children.", speaker="Pakistan", speaker_actor="Pakistan",
                  accused="militants")
    unsaid = claim("e4", "a3", "denial", "Pakistan's claims were called false.", speaker="",
                   speaker_actor="", hours=4)
    assert find_denials(unsaid, [drone]) == []


def test_a_shared_place_name_is_no_shared_party() -> None:
    from monitor.detect.parties import generic_heads

    assert "argelia" not in generic_heads("Military Operation In Argelia")
    assert "separatist" in generic_heads("Separatist leaders")
    assert "argelia" not in generic_heads("Community action board leaders in Argelia")


def test_a_new_voices_new_count_is_a_new_contradiction_but_the_same_count_again_is_not(
        store: Store, detector: Detector) -> None:
    _story(store)
    army = claim("c1", "a1", "allegation", "The army said it killed 48 rebels near the border.",
                 speaker_actor="Chad", casualties=[dead(48, who="rebels")])
    _feed(store, detector, [army])
    [rebels] = _feed(store, detector, [claim(
        "n1", "a2", "allegation", "The rebels said only four of their fighters died.",
        speaker="the rebels", speaker_actor="CCMSR", hours=3,
        casualties=[dead(4, who="fighters")])])
    [counted] = _feed(store, detector, [claim(
        "n2", "a3", "other", "A rights group counted and named 11 rebel dead.",
        speaker="a rights group", speaker_actor="Rights Group", hours=30,
        casualties=[dead(11, who="rebels")])])
    assert rebels.kind == counted.kind == "contradiction"
    assert rebels.thread_of is None and counted.thread_of is None  # 11 is a new fact
    [again] = _feed(store, detector, [claim(
        "n3", "a4", "other", "Another outlet said the group had counted 11 rebel dead.",
        speaker="the group", speaker_actor="Another Group", hours=40,
        casualties=[dead(11, who="rebels")])])
    assert again.thread_of == counted.id  # the same count again joins its thread


def test_rejecting_a_count_of_ones_own_dead_disputes_a_toll_and_denies_no_wrong() -> None:
    claimed = claim("c1", "a1", "allegation", "Al-Shabaab said it killed 12 Kenyan soldiers "
                    "in an ambush.", speaker="al-Shabaab", speaker_actor="al-Shabaab",
                    accused="Kenyan soldiers", accused_actor="Kenya",
                    casualties=[dead(12, who="soldiers")])
    answer = claim("d1", "a2", "denial", "The KDF said no soldier was killed and called the "
                   "claim propaganda.", speaker="KDF", speaker_actor="Kenya", hours=3,
                   casualties=[dead(0, 0, "none", "soldiers")])
    assert find_denials(answer, [claimed]) == []
    from monitor.detect.contradictions import find_contradictions

    [alert] = find_contradictions(answer, [claimed])
    assert alert.answers == ("c1",) and "casualty figures" in alert.reason
    harm = replace(claimed, id="c2", text="Kenyan soldiers shot dead 12 herders, elders said.",
                   casualties=(dead(12, who="herders"),))
    assert [a.answers for a in find_denials(answer, [harm])] == [("c2",)]


def test_a_disputed_toll_of_an_industrial_blast_raises_nothing() -> None:
    union = claim("c1", "a1", "allegation", "The union said 23 workers were killed in the "
                  "plant blast and accused the company of hiding the toll.", speaker="union",
                  speaker_actor="Union", accused="company", accused_actor="Company",
                  casualties=[dead(23, who="workers")])
    company = claim("d1", "a2", "denial", "The company called the union's figures fabricated.",
                    speaker="company", speaker_actor="Company", hours=3)
    official = claim("o1", "a3", "other", "Officials said nine workers died in the blast.",
                     speaker="officials", speaker_actor="Officials", hours=5,
                     casualties=[dead(9, who="workers")])
    from monitor.detect.contradictions import find_contradictions

    assert find_denials(company, [union]) == []
    assert find_contradictions(official, [union, company]) == []


def test_a_speaker_named_only_as_a_government_organ_is_the_storys_state() -> None:
    from monitor.detect.speakers import is_role, resolve_state_organs

    for name in ("The government spokesman and communication minister", "Police high command",
                 "The communiqué", "the 6th Infantry Division", "The transitional government",
                 "Prime minister's office", "Defence and Security Forces in Niassa"):
        assert is_role(name), name
    assert not is_role("The National Human Rights Defence Network")
    hrw = claim("h1", "a1", "allegation", "Soldiers and VDP militiamen killed 41 villagers.",
                speaker="Human Rights Watch", speaker_actor="Human Rights Watch",
                accused="soldiers", accused_actor="Burkina Faso (government)")
    minister = claim("m1", "a2", "denial", "The minister called the report baseless.",
                     speaker="The communication minister",
                     speaker_actor="Communication Minister", hours=3)
    [resolved] = resolve_state_organs([minister], [hrw])
    assert resolved.speaker_actor == "Burkina Faso (government)"
    named = replace(minister, speaker="Pingdwendé Gilbert Ouédraogo", speaker_org="Government",
                    speaker_actor="Government")  # "Government spokesman <name> said"
    assert resolve_state_organs([named], [hrw])[0].speaker_actor == "Burkina Faso (government)"
    [alert] = find_denials(resolved, [hrw])
    assert alert.answers == ("h1",)


def test_a_state_of_a_two_state_story_answers_a_charge_against_forces_named_generically(
) -> None:
    joint = claim("p1", "a1", "allegation", "A joint operation by the Haitian National Police "
                  "and the Kenyan-led mission killed 30 gang members, a police spokesman said.",
                  speaker="police spokesman", speaker_actor="Police Spokesman",
                  accused="Haitian National Police and the Kenyan-led mission",
                  accused_actor="Haiti")
    kenya = claim("k1", "a1", "other", "Kenya leads the mission.", speaker_actor="Kenya",
                  accused_actor="Kenya", index=2)
    network = claim("r1", "a2", "allegation", "At least 11 residents were killed by police "
                    "gunfire, the rights network said.", speaker="rights network",
                    speaker_actor="Rights Network", accused="police fire", hours=2)
    police = claim("d1", "a3", "denial", "The Haitian National Police called the report "
                   "fabricated.", speaker="The Haitian National Police", speaker_actor="Haiti",
                   hours=5)
    [alert] = find_denials(police, [joint, kenya, network])
    assert "r1" in alert.answers
    witness = claim("w1", "a4", "denial", "Residents said the report was false.",
                    speaker="residents", speaker_actor="Residents", hours=6)
    assert find_denials(witness, [joint, kenya, network]) == []  # no state: no answer


def test_a_denial_blaming_the_separatists_blames_the_storys_only_armed_group() -> None:
    residents = claim("r1", "a1", "allegation", "Residents said soldiers torched 40 homes.",
                      speaker="residents", speaker_actor="Residents", accused="soldiers")
    army = claim("a1", "a2", "denial", "He denied that soldiers burned any house, saying the "
                 "fires were lit by the separatists themselves.", speaker="The army spokesman",
                 speaker_actor="Cameroon (government)", flags=["counter_accusation"], hours=2)
    commander = claim("s1", "a3", "denial", "A separatist commander said his fighters never "
                      "set fire to homes and called the army's claim a lie.",
                      speaker="A separatist commander", speaker_actor="Ambazonian separatists",
                      hours=5)
    [alert] = find_denials(commander, [residents, army])
    assert alert.answers == ("a1",)


def test_rejecting_a_partys_account_of_its_own_operation_is_a_contradiction_not_a_denial(
) -> None:
    from monitor.detect.contradictions import find_contradictions

    idf = claim("i1", "a1", "allegation", "IDF says jets destroyed an Iranian missile "
                "production site near Shahroud.", speaker="IDF", speaker_actor="Israel",
                accused="Iranian missile production site", accused_actor="Iran")
    iran = claim("d1", "a2", "denial", "Iran's army said the Israeli claim was a lie and no "
                 "launcher was destroyed.", speaker="Iran's army", speaker_actor="Iran",
                 hours=3)
    assert find_denials(iran, [idf]) == []
    [alert] = find_contradictions(iran, [idf])
    assert alert.answers == ("i1",) and "battle account" in alert.reason
    strike = replace(idf, id="i2", text="Israeli jets destroyed a residential building near "
                     "Shahroud, killing a family of five.")
    assert [a.answers for a in find_denials(iran, [strike])] == [("i2",)]


def test_a_party_the_actor_table_does_not_know_answers_a_charge_naming_it() -> None:
    from monitor.detect.denials import same_name

    assert same_name("Azande Ani Kpi Gbe", "Fighters of the Azande Ani Kpi Gbe militia")
    assert same_name("AAKG", "Fighters of the Azande Ani Kpi Gbe militia")
    assert not same_name("Witnesses", "Fighters of the Azande Ani Kpi Gbe militia")
    assert not same_name("Zande Youth Union", "Fighters of the Azande Ani Kpi Gbe militia")
    leaders = claim("l1", "a1", "allegation", "Fighters of the Azande Ani Kpi Gbe militia "
                    "attacked a site sheltering displaced families, killing 11 people.",
                    speaker="community leaders", speaker_actor="Community Leaders",
                    accused="Fighters of the Azande Ani Kpi Gbe militia")
    militia = claim("d1", "a2", "denial", "AAKG called the accusations lies.", speaker="AAKG",
                    speaker_actor="AAKG", hours=4)
    [alert] = find_denials(militia, [leaders])
    assert alert.answers == ("l1",)


def test_an_allegation_naming_no_accused_is_answered_by_the_state_its_words_name() -> None:
    witnesses = claim("w1", "a1", "allegation", "Witnesses said men in government uniform "
                      "executed nine civilians at a guesthouse.", speaker="Witnesses",
                      speaker_actor="Witnesses")
    ministry = claim("m1", "a2", "denial", "The defence ministry said the execution videos "
                     "were fabricated.", speaker="The defence ministry",
                     speaker_actor="State forces (unnamed)", hours=4)
    [alert] = find_denials(ministry, [witnesses])
    assert alert.answers == ("w1",)
    unarmed = replace(witnesses, id="w2", text="Witnesses said nine civilians were executed "
                      "at a guesthouse by unknown men.")
    assert find_denials(ministry, [unarmed]) == []  # no state force named: nobody's charge


def test_witnesses_or_a_broadcaster_rejecting_a_partys_claim_deny_nothing() -> None:
    coalition = claim("c1", "a1", "allegation", "The coalition said its jets struck a Houthi "
                      "drone workshop, not a prison.", speaker="coalition spokesman",
                      speaker_actor="Saudi-led coalition", accused="Houthi drone workshop",
                      accused_actor="Houthis")
    witnesses = claim("w1", "a2", "denial", "Eleven witnesses rejected the coalition's claim, "
                      "saying the building held only detainees.", speaker="Eleven witnesses",
                      speaker_actor="Eleven Witnesses", hours=5)
    assert find_denials(witnesses, [coalition]) == []
    for who in ("Civil society leaders in the town", "Community leaders", "The analysts",
                "Medical staff at the two hospitals"):
        other = replace(witnesses, speaker=who, speaker_actor=who.title())
        assert find_denials(other, [coalition]) == [], who
    houthis = replace(witnesses, id="h1", speaker="Houthi spokesman", speaker_org="",
                      speaker_actor="Houthis", text="The Houthis rejected the coalition's "
                      "claim, saying the building held only detainees.")
    [alert] = find_denials(houthis, [coalition])
    assert alert.answers == ("c1",)


def test_a_marketing_offensive_is_no_armed_violence() -> None:
    from monitor.detect.denials import is_armed_dispute

    ad = claim("g1", "a1", "allegation", "Consumer groups accused the publisher of inciting the "
               "deadly rush with a campaign styled as a battlefield offensive.",
               speaker="Consumer groups", accused="the publisher")
    assert not is_armed_dispute(ad, [ad])
    shelling = replace(ad, id="g2", text="Residents accused the army of shelling the town.")
    assert is_armed_dispute(shelling, [shelling])


def test_a_headline_denial_with_no_speaker_joins_the_partys_own_sentences() -> None:
    from monitor.detect.detector import merge

    charge = claim("c1", "a1", "allegation", "M23 rebels executed 21 civilians, leaders said.",
                   speaker="civil society leaders", speaker_actor="Civil Society",
                   accused="M23 rebels", accused_actor="M23")
    headline = claim("h1", "a2", "denial", "M23 rejects 'fabricated' massacre accusations",
                     hours=3, index=0)
    spokesman = claim("s1", "a2", "denial", "The M23 alliance firmly rejects the accusations, "
                      "its spokesman wrote.", speaker="Lawrence Kanyuka", speaker_actor="M23",
                      hours=3)
    rwanda = claim("r1", "a2", "denial", "Kigali rejected any role in the killings.",
                   speaker="Kigali", speaker_actor="Rwanda", hours=3, index=2)
    known = {c.id: c for c in (charge, headline, spokesman, rwanda)}
    found = [a for c in (headline, spokesman) for a in find_denials(c, [charge])]
    assert len(found) == 2
    [merged] = merge(found, known)
    assert set(merged.extra["sentences"]) == {"h1", "s1"}
    two = found + find_denials(rwanda, [charge])  # two known parties stay two
    assert len(merge(two, known)) == 2


def test_footage_or_a_rights_commission_rejecting_a_partys_account_denies_nothing() -> None:
    israel = claim("c1", "a1", "allegation", "The army said the drone strike hit a cell "
                   "planting explosives, accusing the militants of the attack.",
                   speaker="The army", speaker_actor="Israel", accused="militants",
                   accused_actor="Palestinian Islamic Jihad")
    footage = claim("f1", "a2", "denial", "Security camera footage contradicts the army's "
                    "account, showing boys playing football.", speaker="Security camera "
                    "footage", speaker_actor="Security Camera Footage", hours=5)
    assert find_denials(footage, [israel]) == []
    commission = replace(footage, id="f2", speaker="Human Rights Commission of Pakistan",
                         speaker_actor="Human Rights Commission Of Pakistan",
                         text="The commission rejected the army's account of the strike.")
    assert find_denials(commission, [israel]) == []
    charge = claim("c2", "a1", "allegation", "Police said the commission's staff attacked "
                   "soldiers.", speaker_actor="Pakistan", accused="the commission",
                   accused_actor="Human Rights Commission Of Pakistan")
    [own] = find_denials(commission, [charge])  # an outsider still answers a charge on itself
    assert own.answers == ("c2",)


def test_a_partys_own_media_office_speaks_for_it() -> None:
    tribes = claim("c1", "a1", "allegation", "SDF shelling killed five civilians in Dhiban, "
                   "tribal sources said.", speaker="tribal sources", speaker_actor="Tribal "
                   "Sources", accused="SDF", accused_actor="Syrian Democratic Forces")
    office = claim("d1", "a2", "denial", "The SDF media centre denied that its forces shelled "
                   "homes in Dhiban.", speaker="The SDF media centre",
                   speaker_actor="SDF Media Centre", accused="SDF",
                   accused_actor="Syrian Democratic Forces", hours=4)
    [alert] = find_denials(office, [tribes])
    assert alert.answers == ("c1",)


def test_a_state_does_not_answer_a_charge_whose_words_name_another_party() -> None:
    ukraine = claim("c1", "a1", "allegation", "Russian drones hit a warehouse in Lviv, killing "
                    "four workers, the regional military administration said.",
                    speaker="the regional military administration",
                    speaker_actor="Regional Military Administration")
    officials = claim("d1", "a2", "denial", "Ukrainian officials say the dead were warehouse "
                      "staff.", speaker="Ukrainian officials", speaker_actor="Ukraine",
                      accused="Ukrainian officials", accused_actor="Ukraine", hours=6)
    assert find_denials(officials, [ukraine]) == []
    moscow = replace(officials, id="d2", speaker="Moscow", speaker_actor="Russia",
                     accused="Moscow", accused_actor="Russia", text="Moscow denied hitting any "
                     "civilian site in Lviv.")
    [alert] = find_denials(moscow, [ukraine])
    assert alert.answers == ("c1",)


def test_a_report_that_a_party_repeats_its_denial_raises_no_new_alert(
        store: Store, detector: Detector) -> None:
    _story(store)
    _feed(store, detector, [AMNESTY])
    [first] = _feed(store, detector, [claim(
        "d1", "a3", "denial", "The Defence Ministry dismissed the Amnesty report as fake.",
        speaker="Russian Defence Ministry", speaker_actor="Russia", hours=2)])
    [again] = _feed(store, detector, [claim(
        "d2", "a4", "denial", "Moscow repeated that its aircraft never struck civilian areas in "
        "Idlib, calling the rights group biased.", speaker="Moscow", speaker_actor="Russia",
        source="Other Wire", hours=30)])
    assert again.thread_of == first.id


def test_a_repeat_of_a_denial_that_raised_nothing_raises_nothing(
        store: Store, detector: Detector) -> None:
    from monitor.detect.detector import REPEATING, repeated

    said = claim("d1", "a3", "denial", "The ministry called the report fake.",
                 speaker_actor="Russia", hours=2)
    again = claim("d2", "a4", "denial", "Moscow again denied the report, repeating its "
                  "earlier statement.", speaker_actor="Russia", hours=5)
    [alert] = find_denials(again, [AMNESTY])
    assert REPEATING.search(again.text)
    assert repeated(alert, again, [again], [AMNESTY, said], []) is None
    assert repeated(alert, again, [again], [AMNESTY], []) == alert  # nothing said before
    plain = replace(again, text="Moscow denied the report.")
    [fresh] = find_denials(plain, [AMNESTY])
    assert repeated(fresh, plain, [plain], [AMNESTY, said], []) == fresh


def test_an_acronym_headline_speaker_is_the_party_the_report_spells_out() -> None:
    from monitor.detect.speakers import resolve_speakers

    headline = claim("h1", "a1", "denial", "SNA: no civilian casualties in El Buur operation",
                     speaker="SNA", index=0)
    body = claim("b1", "a1", "other", "The Somali National Army said its forces killed 40 "
                 "fighters.", speaker="The Somali National Army",
                 speaker_actor="Somalia (government)", index=1)
    resolved = {c.id: c for c in resolve_speakers([headline, body])}
    assert resolved["h1"].speaker_actor == "Somalia (government)"
    other = replace(body, speaker="Somali police", speaker_org="")  # other initials
    assert resolve_speakers([headline, other])[0].speaker_actor == ""


def test_a_government_service_named_only_by_role_speaks_for_the_storys_state() -> None:
    from monitor.detect.speakers import is_role, resolve_state_organs

    assert is_role("the National Police Service") and is_role("the service")
    assert not is_role("National")
    charge = claim("c1", "a1", "allegation", "Families said Kenyan police shot two youths.",
                   speaker_actor="Families", accused="Kenyan police", accused_actor="Kenya")
    service = claim("d1", "a2", "denial", "Claims that police executed innocent youths are "
                    "baseless, the service said.", speaker="the service",
                    speaker_actor="Service", hours=3)
    [resolved] = resolve_state_organs([service], [charge])
    assert resolved.speaker_actor == "Kenya"


def test_an_authority_rejecting_a_count_of_its_own_dead_soldiers_denies_no_wrong() -> None:
    from monitor.detect.denials import is_own_losses

    claim_40 = claim("c1", "a1", "allegation", "IS-Somalia claimed it killed 40 Puntland "
                     "soldiers.", speaker_actor="Islamic State", accused="it",
                     casualties=[dead(40, who="Puntland soldiers")])
    puntland = claim("d1", "a2", "denial", "Puntland said the number claimed by the terrorists "
                     "was invented.", speaker_actor="Puntland", hours=2)
    assert is_own_losses(puntland, claim_40)
