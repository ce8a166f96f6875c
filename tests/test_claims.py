"""Claim extraction: stance rules and their combination, the extractor, the claims table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from monitor.nlp.attribution import Attribution
from monitor.nlp.claims import ClaimExtractor, Reading, RuleStance, cue_stance, decide
from monitor.records import STANCES, Article, Casualties, Claim
from monitor.store import Store
from monitor.store.claims import claims_for_article, primary_figure, write_claims
from monitor.text import short_id

T0 = datetime(2015, 12, 23, 9, 0, tzinfo=UTC)
KONASHENKOV = ("Igor Konashenkov, a spokesman for the Russian Defence Ministry, said the report "
               "contained “fake information”.")
DISMISSING = ("Russia’s Defense Ministry is dismissing a new report from Amnesty International "
              "about “possible war crimes” in their air campaign in Syria, denying the use of "
              "cluster munitions in the war and insisting the other claims are “nothing new”.")
BOMBERS = ("Amnesty said that Russian bombers targeted residential areas and killed 119 "
           "civilians in five of the attacks it studied.")
HOMS = ("In one attack on October 15, near Homs, at least 46 civilians who were sheltering in a "
        "building basement were killed, Amnesty said.")
PUTIN = ("A spokesman for Russian President Vladimir Putin said the government hadn’t seen the "
         "report but would look into it.")
VEHICLE = ("Each such vehicle is a tactical unit and considered a legitimate military target in "
           "accordance with the US Army classification, Konashenkov said.")
CONTEXT = ("Each cluster bomb scatters scores of bomblets over an area the size of a football "
           "pitch.")


class Scripted:
    """A stance classifier double: a fixed answer for sentences starting with a key, else
    an uninformative spread (so the cue rules decide)."""

    def __init__(self, answers: dict[str, tuple[str, float]] | None = None) -> None:
        self.answers = answers or {}
        self.calls: list[int] = []

    def predict(self, sentences: Sequence[str]) -> list[tuple[str, dict[str, float]]]:
        self.calls.append(len(sentences))
        return [self._one(s) for s in sentences]

    def _one(self, sentence: str) -> tuple[str, dict[str, float]]:
        for start, (label, p) in self.answers.items():
            if sentence.startswith(start):
                rest = (1 - p) / 3
                return label, {s: (p if s == label else rest) for s in STANCES}
        return "other", {"allegation": 0.24, "denial": 0.24, "admission": 0.24, "other": 0.28}


@pytest.fixture(scope="module")
def nlp() -> Iterator[Any]:
    from monitor.nlp.claims import load_spacy

    yield load_spacy()


def article(summary: str, title: str = "", aid: str = "a1", text: str | None = None) -> Article:
    return Article(id=aid, feed_id="f", source="Reuters", url=f"https://x.test/{aid}",
                   title=title, summary=summary, published=T0, text=text)


def only_claim(nlp: Any, sentence: str, stance: Scripted | None = None) -> Claim:
    [claims] = ClaimExtractor(nlp, stance or Scripted()).extract([article(sentence)])
    [claim] = claims
    return claim


# -- the seed cases --------------------------------------------------------------------------
def test_konashenkov_fake_information_is_a_denial_by_russia(nlp: Any) -> None:
    c = only_claim(nlp, KONASHENKOV)
    assert c.stance == "denial"
    assert (c.speaker, c.speaker_org, c.speaker_actor) == (
        "Igor Konashenkov", "Russian Defence Ministry", "Russia")
    assert c.accused_actor == "Russia"  # a denial answers for the speaker's own side
    assert c.verb == "say" and "fake information" in c.content


def test_defence_ministry_dismissal_is_a_denial_by_russia(nlp: Any) -> None:
    c = only_claim(nlp, DISMISSING)
    assert (c.stance, c.speaker_actor, c.verb) == ("denial", "Russia", "dismiss")


def test_amnesty_bombers_is_an_allegation_against_russia_with_figures(nlp: Any) -> None:
    c = only_claim(nlp, BOMBERS)
    assert (c.stance, c.speaker, c.speaker_actor) == ("allegation", "Amnesty",
                                                      "Amnesty International")
    assert (c.accused, c.accused_actor) == ("Russian bombers", "Russia")
    assert c.casualties == (Casualties(119, 119, "exact", "civilians", "killed",
                                       "119 civilians"),)


def test_homs_attack_is_a_dated_placed_allegation(nlp: Any) -> None:
    c = only_claim(nlp, HOMS, Scripted({"In one attack": ("allegation", 0.7)}))
    assert c.stance == "allegation"
    [figure] = c.casualties
    assert (figure.min, figure.max, figure.qualifier, figure.who) == (
        46, None, "at_least", "civilians")
    assert c.places == ("Homs",) and c.date == "2015-10-15"
    assert c.speaker_actor == "Amnesty International"


def test_putin_spokesman_is_a_deflection_not_a_denial(nlp: Any) -> None:
    c = only_claim(nlp, PUTIN, Scripted({"A spokesman": ("denial", 0.8)}))
    assert (c.stance, c.flags) == ("other", ("deflection",))
    assert c.speaker_actor == "Russia"


def test_legitimate_target_is_a_justifying_denial(nlp: Any) -> None:
    c = only_claim(nlp, VEHICLE)
    assert (c.stance, c.flags, c.speaker, c.speaker_actor) == (
        "denial", ("justification",), "Konashenkov", "Russia")


# -- sentences of our own --------------------------------------------------------------------
@pytest.mark.parametrize("sentence, stance, flag", [
    ("The army rejected the findings as baseless and politically motivated.", "denial", ""),
    ("A militia commander admitted that his men had burned the clinic.", "admission", ""),
    ("The coalition said it regretted the loss of life and had opened an inquiry.",
     "admission", ""),
    ("Witnesses accused border guards of shooting at fleeing families.", "allegation", ""),
    ("The ministry declined to comment on the footage.", "other", "deflection"),
    ("Officials said the market had been hit by a rocket fired by the rebels themselves to "
     "frame the army.", "denial", "counter_accusation"),
    ("The general said the school was being used as a base by fighters.", "denial",
     "justification"),
])
def test_cue_rules_decide_when_the_classifier_is_unsure(
        nlp: Any, sentence: str, stance: str, flag: str) -> None:
    c = only_claim(nlp, sentence)
    assert c.stance == stance
    assert c.flags[:1] == ((flag,) if flag else ())


@pytest.mark.parametrize("sentence, stance, flag", [
    # a negated act outweighs a deflection in the same sentence
    ("The navy said it does not target fishing boats and that the sinking was under review.",
     "denial", ""),
    # deflections with quotes inside the phrase, or a modal before "comment"
    ("A police spokesman said he would “look into” the complaints.", "other", "deflection"),
    ("The embassy said it would not comment on the leaked footage.", "other", "deflection"),
    ("The ministry said it was \"not familiar\" with the report.", "other", "deflection"),
    # a denial's flag comes from any table of its stance ("... carried out by X")
    ("The militia rejected the accusation and said the convoy was attacked by bandits.",
     "denial", "counter_accusation"),
    ("The army said those killed were all armed insurgents who had fired on soldiers.",
     "denial", "justification"),
    ("Officials said the village had been a base for “terrorists” who ambushed a patrol.",
     "denial", "justification"),
    # blocked aid is an allegation, not a denial
    ("Aid workers said their trucks were repeatedly denied access to the city by the militia.",
     "allegation", ""),
    ("The opposition accused the government of trying to cover up the killings.",
     "allegation", ""),
    # an inquiry of the party's own, after the denial tables
    ("An internal inquiry found that the unit had opened fire without orders.", "admission", ""),
    ("The ministry said an internal investigation had found no wrongdoing by its troops.",
     "denial", ""),
])
def test_more_cue_rules(nlp: Any, sentence: str, stance: str, flag: str) -> None:
    c = only_claim(nlp, sentence)
    assert (c.stance, c.flags[:1]) == (stance, (flag,) if flag else ())


def test_war_crime_flag_marks_allegations_not_the_denial_that_names_them(nlp: Any) -> None:
    denial = only_claim(nlp, DISMISSING)
    assert denial.stance == "denial" and "war_crime" not in denial.flags
    charge = only_claim(nlp, "Witnesses said the shelling of the camp was a war crime.")
    assert charge.stance == "allegation" and charge.flags == ("war_crime",)


def test_harm_by_the_speakers_own_side_is_an_admission(nlp: Any) -> None:
    claim = only_claim(nlp, "The group said its fighters carried out the raid on the barracks.")
    assert claim.stance == "admission" and claim.accused_actor == claim.speaker_actor
    toll = cue_stance("The army said its soldiers killed 14 insurgents.",
                      Attribution(accused="its soldiers", reported=True, speaker="The army"),
                      (Casualties(14, 14, "exact", "fighters", "killed", "14 insurgents"),))
    assert toll.stance == "", "a combatant toll of one's own side is no admission"


def test_weak_cues_need_some_weight_from_the_classifier(nlp: Any) -> None:
    sentence = "Residents said the siege of the old town had lasted three months."
    sure_other = Scripted({"Residents": ("other", 0.97)})
    assert only_claim(nlp, sentence, Scripted({"Residents": ("other", 0.6)})).stance == \
        "allegation"
    [claims] = ClaimExtractor(nlp, sure_other).extract([article(sentence)])
    assert all(c.stance == "other" for c in claims)


def test_a_rights_group_denies_only_with_a_cue(nlp: Any) -> None:
    sentence = "Human Rights Watch said the strikes on the market showed a pattern."
    claim = only_claim(nlp, sentence, Scripted({"Human Rights": ("denial", 0.9)}))
    assert claim.stance in ("allegation", "other") and claim.speaker_actor == "Human Rights Watch"
    cued = "Human Rights Watch rejected the army's account of the strike."
    assert only_claim(nlp, cued, Scripted({"Human Rights": ("denial", 0.9)})).stance == "denial"


def test_an_allegation_without_a_parsed_agent_accuses_the_party_it_names(nlp: Any) -> None:
    claim = only_claim(nlp, "A campaigner for Amnesty International said: “It looks as if "
                            "Russian Federation is trying to hide the truth about the raids”.")
    assert (claim.stance, claim.accused_actor) == ("allegation", "Russia")


def test_pure_context_makes_no_claim(nlp: Any) -> None:
    [claims] = ClaimExtractor(nlp, Scripted()).extract([article(CONTEXT)])
    assert claims == []


def test_headline_first_then_sentences_with_stable_ids(nlp: Any) -> None:
    stance = Scripted()
    a = article(f"{KONASHENKOV} {CONTEXT} {BOMBERS}",
                title="Amnesty: Russian bombing of Syria may be a war crime")
    [claims] = ClaimExtractor(nlp, stance).extract([a])
    assert [c.index for c in claims] == [0, 1, 3]
    assert claims[0].speaker == "Amnesty" and claims[0].stance == "allegation"
    assert claims[0].flags == ("war_crime",)
    assert [c.id for c in claims] == [short_id("c", "a1", str(i)) for i in (0, 1, 3)]
    assert all((c.source, c.url, c.published) == ("Reuters", a.url, T0) for c in claims)
    assert stance.calls == [3], "one classifier call for the batch, context left out"


def test_a_summary_repeating_the_title_is_read_once(nlp: Any) -> None:
    a = article(KONASHENKOV, title=KONASHENKOV)
    [claims] = ClaimExtractor(nlp, Scripted()).extract([a])
    assert [c.index for c in claims] == [0]


def test_he_said_takes_the_earlier_speaker_of_the_article(nlp: Any) -> None:
    a = article(f"{KONASHENKOV} He added that Russian jets never targeted civilians.")
    [claims] = ClaimExtractor(nlp, Scripted()).extract([a])
    assert (claims[1].speaker, claims[1].speaker_actor, claims[1].stance) == (
        "Igor Konashenkov", "Russia", "denial")


def test_a_later_figure_by_the_same_speaker_continues_the_allegation(nlp: Any) -> None:
    [claims] = ClaimExtractor(nlp, Scripted()).extract([article(f"{BOMBERS} {HOMS}")])
    assert [c.stance for c in claims] == ["allegation", "allegation"]
    assert claims[1].accused_actor == "Russia" and claims[1].flags == ("follows_allegation",)


def test_batches_keep_article_order(nlp: Any) -> None:
    arts = [article(BOMBERS, aid="x"), article(CONTEXT, aid="y"), article(PUTIN, aid="z")]
    out = ClaimExtractor(nlp, Scripted()).extract(arts)
    assert [len(c) for c in out] == [1, 0, 1]
    assert out[0][0].article_id == "x" and out[2][0].article_id == "z"


# -- the combination -------------------------------------------------------------------------
def reading(rule: RuleStance) -> Reading:
    return Reading(1, "s", Attribution(), (), rule)


def scores(label: str, p: float) -> tuple[str, dict[str, float]]:
    return label, {s: (p if s == label else (1 - p) / 3) for s in STANCES}


@pytest.mark.parametrize("rule, prediction, mode, expected", [
    (RuleStance("denial", "", True), scores("allegation", 0.6), "combined", "denial"),
    (RuleStance("denial", "", True), scores("allegation", 0.95), "combined", "allegation"),
    (RuleStance("other", "deflection", True), scores("denial", 0.99), "combined", "other"),
    (RuleStance("denial", "counter_accusation", False), scores("allegation", 0.6), "combined",
     "denial"),
    (RuleStance("denial", "counter_accusation", False), scores("allegation", 0.97), "combined",
     "allegation"),
    (RuleStance(), scores("admission", 0.5), "combined", "admission"),
    (RuleStance("denial", "", True), scores("allegation", 0.6), "classifier", "allegation"),
    (RuleStance("denial", "", True), scores("allegation", 0.99), "rules", "denial"),
    (RuleStance(), scores("allegation", 0.99), "rules", "other"),
    (RuleStance("allegation", "", False), scores("other", 0.97), "combined", "other"),
])
def test_decide(rule: RuleStance, prediction: tuple[str, dict[str, float]], mode: str,
                expected: str) -> None:
    assert decide(reading(rule), prediction, mode)[0] == expected


def test_extra_flags_follow_the_final_stance() -> None:
    rule = RuleStance("denial", "", True, ("war_crime",), "denial")
    assert decide(reading(rule), scores("denial", 0.9))[2] == ()
    assert decide(reading(rule), scores("allegation", 0.99))[2] == ("war_crime",)
    justified = RuleStance("denial", "justification", True, ("war_crime",), "justification")
    assert decide(reading(justified), None, "rules")[2] == ("justification",)


def test_cue_stance_reads_the_cue_table() -> None:
    assert cue_stance("They called it fake news.", Attribution()).stance == "denial"
    harm = cue_stance("Soldiers shot two farmers.", Attribution(accused="Soldiers",
                                                                 reported=True))
    assert (harm.stance, harm.strong, harm.cue) == ("allegation", False, "harm_by_party")
    assert cue_stance("The sun rose.", Attribution()) == RuleStance()


# -- the claims table ------------------------------------------------------------------------
def test_claims_round_trip_through_the_store(nlp: Any, store: Store) -> None:
    a = article(f"{BOMBERS} {KONASHENKOV}", title="Amnesty: Russian bombing of Syria may be a "
                                                  "war crime")
    [claims] = ClaimExtractor(nlp, Scripted()).extract([a])
    with store.transaction() as db:
        db["articles"].insert({"id": a.id, "title": a.title})
        write_claims(db, claims, None, T0)
        write_claims(db, claims, None, T0)  # re-analysis updates in place
    with store.reading() as db:
        assert claims_for_article(db, a.id) == claims
        row = db.execute("select casualties_min, casualties_max, casualties_qualifier, "
                         "created_at from claims where idx = 1").fetchone()
    assert row == (119, 119, "exact", "2015-12-23T09:00:00Z")


def test_primary_figure_prefers_deaths() -> None:
    hurt = Casualties(12, 12, "exact", "people", "injured", "12 wounded")
    dead = Casualties(5, 5, "exact", "people", "killed", "killed 5")
    assert primary_figure((hurt, dead)) == dead
    assert primary_figure((hurt,)) == hurt and primary_figure(()) is None


# -- with the real stance model --------------------------------------------------------------
@pytest.mark.model
@pytest.mark.parametrize("sentence, stance, flag", [
    (KONASHENKOV, "denial", ""), (DISMISSING, "denial", ""), (BOMBERS, "allegation", ""),
    (HOMS, "allegation", ""), (PUTIN, "other", "deflection"), (VEHICLE, "denial",
                                                                 "justification"),
])
def test_seed_sentences_with_the_model(sentence: str, stance: str, flag: str) -> None:
    from monitor.nlp.claims import load_extractor

    [claims] = load_extractor().extract([article(sentence)])
    [claim] = claims
    assert claim.stance == stance
    assert claim.flags[:1] == ((flag,) if flag else ())


def test_the_whole_speaker_name_decides_over_a_country_inside_it(nlp: Any) -> None:
    c = only_claim(nlp, "The Syria Civil Defence said rockets fired by government forces hit "
                        "the camp.")
    assert c.speaker_actor == "White Helmets"


def test_a_groups_known_spokesman_speaks_for_it_whatever_state_title_he_uses(nlp: Any) -> None:
    c = only_claim(nlp, "Yemeni armed forces spokesman Brigadier General Yahya Saree said the "
                   "naval forces targeted the vessel.")
    assert c.speaker_actor == "Houthis"  # not Yemen's government, whose title he borrows
    c = only_claim(nlp, "Russian Defence Ministry spokesman Igor Konashenkov said the strike "
                   "hit a depot.")
    assert c.speaker_actor == "Russia"
