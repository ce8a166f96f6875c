"""find_contradictions and casualty figures: ranges, qualifiers, negation, findings (pure)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from monitor.detect.contradictions import PairSignal, find_contradictions
from monitor.detect.figures import figure_conflict, interval, nesting
from monitor.detect.parties import is_finding
from monitor.records import Casualties
from tests.detect_helpers import claim, dead

FIGURES = [
    # new, old, conflict?
    (dead(27), dead(20, None, "at_least"), False),          # "at least 20" vs "27"
    (dead(12), dead(30, None, "at_least"), True),           # "12 dead" vs "at least 30"
    (dead(0, 0, "none", "civilians"), dead(40, None, "at_least", "civilians"), True),
    (dead(40, None, "at_least", "civilians"), dead(0, 0, "none", "civilians"), True),
    (dead(100, None, "at_least"), dead(50, 50, "about"), True),   # NUG vs "about 50"
    (dead(36, None, "at_least", "civilians"), dead(40, None, "at_least", "men"), False),
    (dead(9), dead(7), False),                               # a revised toll
    (dead(70, None, "at_least", "civilians"), dead(63), False),   # close figures: revision
    (dead(30), dead(24, 99, "vague"), False),                # "dozens"
    (dead(18), dead(3, 9, "vague"), False),                  # "several bodies": too loose
    (dead(300), dead(24, 99, "vague"), True),
    (dead(12, outcome="injured"), dead(40, None, "at_least"), False),  # other outcome
    (dead(2, who="operatives"), dead(18), False),            # two fighters among 18 dead
    (dead(2, who="soldiers"), dead(18, who="children"), False),  # not comparable
    (dead(10, who="civilians"), dead(30), False),            # civilians within people
    (dead(40, None, "at_least", "civilians"), dead(12), True),   # more civilians than dead
    (dead(5, None, "at_most"), dead(20, None, "at_least"), True),
    (dead(20, 30, "range"), dead(26, None, "at_least", "civilians"), False),
    (dead(120, None, "at_least"), dead(85), True),          # Amnesty against the agency
    (dead(13), dead(10), False),                             # a revision still
    (dead(4, who="fighters"), dead(48, who="rebels"), True),   # one group, two words
    (dead(3, who="soldiers"), dead(48, who="rebels"), False),  # the other side's dead
    (dead(2, who="civilians"), dead(0, 0, "none", "civilians", "affected"), True),  # unharmed
    (dead(2, who="civilians", outcome="injured"), dead(0, 0, "none", "civilians", "affected"),
     False),                                                 # only deaths are compared
]


@pytest.mark.parametrize(("new", "old", "conflict"), FIGURES)
def test_figure_conflicts_respect_ranges_and_qualifiers(new: Casualties, old: Casualties,
                                                        conflict: bool) -> None:
    score = figure_conflict(new, old)
    assert (score > 0) is conflict, (new, old, score)
    assert 0 <= score <= 1


def test_a_rise_announced_as_such_is_an_update() -> None:
    assert figure_conflict(dead(40), dead(12), "The toll rose to 40") == 0
    assert figure_conflict(dead(2), dead(5, None, "at_least"),
                           "The toll rose to seven after two more bodies were found") == 0
    assert figure_conflict(dead(40), dead(12), "Forty people were killed") > 0


def test_intervals_and_groups() -> None:
    assert interval(dead(50, 50, "about")) == (40, 60)
    assert interval(dead(20, None, "at_least"))[1] == float("inf")
    assert interval(dead(0, 0, "none")) == (0, 0)
    assert nesting("children", "civilians") == "a_in_b"
    assert nesting("people", "civilians") == "b_in_a"
    assert nesting("soldiers", "civilians") == ""


REPORT = claim("a1", "n1", "allegation", "Rescuers said 12 people were killed by shelling.",
               speaker="rescuers", speaker_actor="White Helmets", accused_actor="Syria",
               casualties=[dead(12)])


def test_conflicting_figures_from_another_source_alert() -> None:
    new = claim("b1", "n2", "allegation", "At least 30 people were killed, doctors said.",
                speaker="doctors", speaker_actor="Doctors", accused_actor="Syria",
                casualties=[dead(30, None, "at_least")], hours=3)
    [alert] = find_contradictions(new, [REPORT], story_id="s1")
    assert alert.kind == "contradiction" and alert.answers == ("a1",)
    assert "casualty figures" in alert.reason and alert.score >= 0.5
    same_outlet = claim("b1", "n2", "allegation", casualties=[dead(30, None, "at_least")],
                        source=REPORT.source)
    assert find_contradictions(same_outlet, [REPORT]) == []


DENIAL = claim("d1", "n2", "denial", "The ministry called the chlorine claims fabricated.",
               speaker="Foreign Ministry", speaker_actor="Syria (government)",
               accused_actor="Syria (government)", hours=24)


def test_an_investigation_finding_contradicts_the_earlier_denial() -> None:
    finding = claim("f1", "n3", "allegation",
                    "The OPCW concluded a Syrian Air Force helicopter dropped the cylinder.",
                    speaker="OPCW", speaker_actor="OPCW", accused_actor="Syria (government)",
                    hours=24 * 700)
    [alert] = find_contradictions(finding, [REPORT, DENIAL])
    assert alert.answers == ("d1",)
    assert "findings that contradict" in alert.reason


def test_the_accuser_repeating_itself_is_no_contradiction() -> None:
    again = claim("f1", "n3", "allegation", "Rescuers again blamed government helicopters.",
                  speaker="rescuers", speaker_actor="White Helmets",
                  accused_actor="Syria (government)", hours=30)
    assert find_contradictions(again, [REPORT, DENIAL]) == []
    with_evidence = claim("f2", "n3", "allegation",
                          "Rescuers said samples confirmed chlorine from government barrels.",
                          speaker="rescuers", speaker_actor="White Helmets",
                          accused_actor="Syria (government)", hours=30)
    assert find_contradictions(with_evidence, [REPORT, DENIAL])


def test_negation_needs_the_model_similarity_and_one_negated_side() -> None:
    used = claim("a1", "n1", "allegation", "Russian forces used cluster munitions in Kharkiv.",
                 speaker_actor="Ukraine", accused_actor="Russia")
    unused = claim("b1", "n2", "other", "No cluster munitions were used in Kharkiv.",
                   speaker_actor="Observers", hours=2)
    strong = {"a1": PairSignal(similarity=0.8, against=0.9)}
    [alert] = find_contradictions(unused, [used], strong)
    assert alert.answers == ("a1",) and "opposite" in alert.reason
    assert find_contradictions(unused, [used], {"a1": PairSignal(0.8, 0.3)}) == []
    assert find_contradictions(unused, [used], {"a1": PairSignal(0.2, 0.95)}) == []
    both_plain = claim("b2", "n2", "other", "Cluster munitions were used in Kharkiv.", hours=2)
    assert find_contradictions(both_plain, [used], strong) == []


def test_a_denial_asserts_only_none_not_the_figures_it_disputes() -> None:
    disputed = claim("b1", "n2", "denial", "The reports of 18 dead do not match our information.",
                     speaker_actor="Israel", casualties=[dead(18)], hours=2)
    old = claim("a1", "n1", "allegation", "Two people were killed.", speaker_actor="Medics",
                casualties=[dead(2)])
    assert find_contradictions(disputed, [old]) == []


RAID = claim("r1", "n1", "allegation", "Soldiers killed villagers at a community bazaar.",
             speaker="residents", speaker_actor="Residents", accused="soldiers")


def test_an_investigators_allegation_against_a_generic_accused_contradicts_the_denial() -> None:
    denial = claim("d1", "n2", "denial", "Those killed were members of the armed group.",
                   speaker="defence minister", speaker_actor="Colombia (government)", hours=2)
    finding = claim("f1", "n3", "allegation", "At least four of those killed were civilians.",
                    speaker="Colombia's Attorney General's Office",
                    speaker_actor="Colombia Attorney General", accused="the army operation",
                    hours=900)
    [alert] = find_contradictions(finding, [RAID, denial])
    assert alert.answers == ("d1",)


def test_only_a_denial_that_answers_an_allegation_can_be_contradicted() -> None:
    aside = claim("d1", "n2", "denial", "Many of the bodies could not be identified.",
                  speaker="NUG spokesperson", speaker_actor="National Unity Government",
                  hours=2)
    finding = claim("f1", "n3", "allegation",
                    "The UN found that schoolchildren were among those killed.",
                    speaker="UN rights office", speaker_actor="United Nations",
                    accused_actor="National Unity Government", hours=30)
    assert find_contradictions(finding, [RAID, aside]) == []


def test_negation_is_left_to_parties_outside_the_dispute() -> None:
    used = claim("a1", "n1", "allegation", "Russian forces used cluster munitions in Kharkiv.",
                 speaker_actor="Ukraine", accused_actor="Russia")
    strong = {"a1": PairSignal(similarity=0.8, against=0.9)}
    accused = claim("b1", "n2", "denial", "Russia did not use cluster munitions in Kharkiv.",
                    speaker_actor="Russia", accused_actor="Russia", hours=2)
    spokesman = claim("b2", "n2", "other", "No cluster munitions were used in Kharkiv.",
                      speaker="the spokesman", hours=2)
    assert find_contradictions(accused, [used], strong) == []  # that is a denial
    assert find_contradictions(spokesman, [used], strong) == []  # whose spokesman?
    monitors = claim("b3", "n3", "other", "No cluster munitions were used in Kharkiv.",
                     speaker="OSCE monitors", speaker_actor="Organization for Security and "
                     "Co-operation in Europe", hours=2)
    [alert] = find_contradictions(monitors, [used], strong)
    assert alert.answers == ("a1",)


def test_finding_cues() -> None:
    assert is_finding("Investigators found remnants of submunitions.")
    assert not is_finding("Reuters could not independently verify the figures.")
    assert not is_finding("The ministry said 34 people were killed.")
    assert not is_finding("Lies fabricated by the remnants of the TPLF clique.")
    assert not is_finding("Amnesty demanded an investigation into the strike.")


def test_an_outsiders_finding_close_to_the_rejected_allegation_contradicts_the_denial() -> None:
    strike = claim("a1", "n1", "allegation", "Pakistani air strikes killed 46 civilians in "
                   "Paktika.", speaker_actor="Taliban", accused="Pakistani air strikes")
    rejection = claim("d1", "n2", "denial", "The officials rejected claims that civilians were "
                      "hit.", speaker="Pakistani security officials",
                      speaker_actor="Pakistani Security Officials", hours=2)
    finding = claim("f1", "n3", "allegation", "The UN mission found credible reports that "
                    "civilians were killed in the Paktika strikes.", speaker="UN mission",
                    speaker_actor="United Nations", hours=30)
    close = {"a1": PairSignal(similarity=0.7), "d1": PairSignal(similarity=0.3)}
    [alert] = find_contradictions(finding, [strike, rejection], close)
    assert alert.answers == ("d1",) and "findings" in alert.reason
    far = {"a1": PairSignal(similarity=0.4), "d1": PairSignal(similarity=0.3)}
    assert find_contradictions(finding, [strike, rejection], far) == []
    taliban = claim("f2", "n3", "allegation", "The Taliban found that civilians were killed.",
                    speaker_actor="Taliban", hours=30)  # the accuser again: no new fact
    assert find_contradictions(taliban, [strike, rejection], {"a1": PairSignal(0.9)}) == []


def test_the_accuseds_counter_allegation_is_a_version_findings_contradict() -> None:
    toll = claim("a1", "n1", "allegation", "An Israeli strike killed 18 people in Nuseirat.",
                 speaker_actor="Gaza Health Ministry", accused_actor="Israel")
    cell = claim("c1", "n2", "allegation", "The IDF said it struck an Islamic Jihad rocket cell.",
                 speaker="The IDF", speaker_actor="Israel", accused="Islamic Jihad rocket cell",
                 hours=2)
    finding = claim("f1", "n3", "allegation", "UN investigators found no Israeli target there; "
                    "those killed were children.", speaker="UN investigators",
                    speaker_actor="United Nations", accused_actor="Israel", hours=200)
    [alert] = find_contradictions(finding, [toll, cell])
    assert alert.answers == ("c1",)


def test_a_finding_of_killings_by_soldiers_contradicts_the_only_states_denial() -> None:
    charge = claim("a1", "n1", "allegation", "Soldiers killed a farmer and his family.",
                   speaker="Karapatan", speaker_actor="Karapatan", accused="soldiers")
    rejection = claim("d1", "n2", "denial", "The army rejected claims that the dead were "
                      "civilians.", speaker="Philippine Army", speaker_actor="Philippines",
                      hours=2)
    finding = claim("f1", "n3", "allegation", "The commission's investigation found the family "
                    "killed by soldiers were unarmed.", speaker="Commission on Human Rights",
                    speaker_actor="Commission On Human Rights", hours=48)
    [alert] = find_contradictions(finding, [charge, rejection])
    assert alert.answers == ("d1",)
    unrelated = claim("f2", "n3", "allegation", "The commission's investigation found the "
                      "family was unarmed.", speaker="Commission on Human Rights",
                      speaker_actor="Commission On Human Rights", hours=48)
    assert find_contradictions(unrelated, [charge, rejection]) == []


def test_a_third_states_protest_is_no_new_fact_but_an_observers_account_is() -> None:
    strike = claim("a1", "n1", "allegation", "Iranian drones hit a refugee camp near Koya.",
                   speaker="local officials", speaker_actor="Local Officials",
                   accused="Iranian drones", accused_actor="Iran")
    denial = claim("d1", "n2", "denial", "The IRGC said only terrorist bases were hit and called "
                   "the reports lies.", speaker="IRGC", speaker_actor="Iran", hours=3)
    protest = claim("p1", "n3", "allegation", "Iraq's foreign ministry accused Iran of striking "
                    "civilians near Koya.", speaker="Iraq's foreign ministry",
                    speaker_actor="Iraq (government)", accused="Iran", accused_actor="Iran",
                    hours=20)
    assert find_contradictions(protest, [strike, denial]) == []
    observer = claim("o1", "n4", "allegation", "Amnesty International said Iranian drones "
                     "killed five civilians in the camp.", speaker="Amnesty International",
                     speaker_actor="Amnesty International", accused="Iran",
                     accused_actor="Iran", hours=30)
    [alert] = find_contradictions(observer, [strike, denial])
    assert alert.answers == ("d1",)


def test_civilians_found_where_the_accused_said_it_hit_fighters_contradict_its_account() -> None:
    charge = claim("a1", "n1", "allegation", "An Israeli strike on a school killed 23 people.",
                   speaker="Gaza health ministry", speaker_actor="Gaza Health Ministry",
                   accused="Israeli strike", accused_actor="Israel")
    version = claim("d1", "n2", "denial", "The IDF said the strike hit a Hamas command room and "
                    "rejected the reports of civilian deaths.", speaker="IDF",
                    speaker_actor="Israel", hours=3)
    review = claim("r1", "n3", "other", "Hospital records reviewed by the AP list the dead, "
                   "including nine children.", speaker="Hospital records",
                   speaker_actor="Hospital Records", hours=30)
    [alert] = find_contradictions(review, [charge, version])
    assert alert.answers == ("d1",) and "no military target" in alert.reason
    hearsay = claim("r2", "n3", "other", "Relatives mourned the dead, including nine children.",
                    speaker="Relatives", speaker_actor="Relatives", hours=30)
    assert find_contradictions(hearsay, [charge, version]) == []  # no finding, no observer
    plain = replace(version, id="d2", text="The IDF rejected the reports as false.")
    [alert] = find_contradictions(review, [charge, plain])  # no military version to refute ...
    assert "findings" in alert.reason  # ... but records are evidence against a plain denial


def test_an_outsiders_records_or_imagery_contradict_a_denial_unless_they_clear_the_accused(
        ) -> None:
    strike = claim("a1", "n1", "allegation", "A drone strike on the market killed 30 people.",
                   speaker="residents", speaker_actor="Residents", accused="Kenyan drone",
                   accused_actor="Kenya")
    denial = claim("d1", "n2", "denial", "The Kenya Defence Forces called the reports of a "
                   "market strike misinformation.", speaker="Kenya Defence Forces",
                   speaker_actor="Kenya", hours=3)
    records = claim("r1", "n3", "other", "Records at the county hospital show eleven people "
                    "wounded in the market strike were admitted that night.",
                    speaker="hospital staff", speaker_actor="Hospital Staff", hours=40)
    [alert] = find_contradictions(records, [strike, denial])
    assert alert.answers == ("d1",) and alert.extra["why"] == ["finding"]
    clears = replace(records, id="r2", text="Satellite images reviewed by analysts show no sign "
                     "of a strike on the market.")
    assert find_contradictions(clears, [strike, denial]) == []
    agrees = replace(records, id="r3", text="Footage verified by analysts is consistent with the "
                     "army's account.")
    assert find_contradictions(agrees, [strike, denial]) == []
    own = replace(records, id="r4", speaker="Kenya Defence Forces", speaker_actor="Kenya",
                  text="Its own records show the strike hit an al-Shabaab cell.")
    assert find_contradictions(own, [strike, denial]) == []  # the accused is no outsider


def test_an_unnamed_analysts_physical_evidence_counts_as_an_outsiders_finding() -> None:
    bombing = claim("a1", "n1", "allegation", "A military jet bombed the monastery.",
                    speaker="residents", speaker_actor="Residents", accused="military jet",
                    accused_actor="Myanmar military")
    denial = claim("d1", "n2", "denial", "The junta said no air operation targeted any "
                   "monastery.", speaker="junta", speaker_actor="Myanmar military", hours=5)
    imagery = claim("f1", "n3", "allegation", "Satellite imagery shows two bomb craters inside "
                    "the monastery compound, an analysis found.", speaker="Analysis",
                    speaker_actor="Analysis", hours=48)
    close = {"a1": PairSignal(similarity=0.7), "d1": PairSignal(similarity=0.3)}
    [alert] = find_contradictions(imagery, [bombing, denial], close)
    assert alert.answers == ("d1",)
    words = claim("f2", "n3", "allegation", "The committee found the bombing was a war crime.",
                  speaker="The committee", speaker_actor="Committee", hours=48)
    assert find_contradictions(words, [bombing, denial], {"a1": PairSignal(0.7)}) == []


def test_civilians_alleged_against_an_armed_partys_own_first_report_contradict_it() -> None:
    report = claim("r1", "n1", "allegation", "Five NPA rebels were killed in a clash with "
                   "troops, the army said.", speaker="the army", speaker_actor="Philippines")
    farmers = claim("k1", "n2", "allegation", "Karapatan said the five people killed were "
                    "sugarcane farmers shot in their sleep.", speaker="Karapatan",
                    speaker_actor="Karapatan", hours=20)
    [alert] = find_contradictions(farmers, [report])
    assert alert.answers == ("r1",)
    own_side = claim("k3", "n3", "allegation", "Soldiers said the five were farmers.",
                     speaker="Soldiers", speaker_actor="Philippines", hours=20)
    assert find_contradictions(own_side, [report]) == []  # a party never contradicts itself


def test_no_camp_or_column_found_contradicts_an_account_of_hitting_one() -> None:
    strike = claim("a1", "n1", "allegation", "A drone strike on a market killed 30 civilians.",
                   speaker="residents", speaker_actor="Residents",
                   accused="army drone", accused_actor="Burkina Faso (government)")
    version = claim("d1", "n2", "denial", "The army said the strike destroyed a terrorist "
                    "column and rejected the claims of civilian deaths.", speaker="the army",
                    speaker_actor="Burkina Faso (government)", hours=5)
    imagery = claim("f1", "n3", "allegation", "Satellite imagery analysed by Human Rights Watch "
                    "shows a crowded market and no armed column.", speaker="Human Rights Watch",
                    speaker_actor="Human Rights Watch", hours=50)
    [alert] = find_contradictions(imagery, [strike, version])
    assert alert.answers == ("d1",)


def test_a_denials_own_figure_counts_but_the_figures_it_disputes_do_not() -> None:
    massacre = claim("a1", "n1", "allegation", "Militants killed 42 civilians at a funeral.",
                     speaker="civil society", speaker_actor="Civil Society",
                     accused_actor="Allied Democratic Forces",
                     casualties=[dead(42, who="civilians")])
    army = claim("d1", "n2", "denial", "The army spokesman said 18 civilians were killed and "
                 "called the figure of 42 exaggerated.", speaker="army spokesman",
                 speaker_actor="DR Congo (government)", hours=5,
                 casualties=[Casualties(18, 18, "exact", "civilians", "killed", "18 civilians")])
    un = claim("u1", "n3", "allegation", "The UN mission confirmed at least 35 civilians killed.",
               speaker="UN mission", speaker_actor="United Nations", hours=30,
               casualties=[dead(35, None, "at_least", "civilians")])
    [alert] = find_contradictions(un, [massacre, army])
    assert alert.answers == ("d1",) and "casualty figures" in alert.reason
    disputed = replace(army, text="The army said reports that 18 civilians were killed were "
                       "false.")
    assert find_contradictions(un, [massacre, disputed]) == []


def test_civilian_dead_counted_against_a_partys_own_count_of_fighters_killed() -> None:
    report = claim("r1", "n1", "allegation", "An air strike neutralised about 20 terrorists "
                   "travelling towards a military post, the defence ministry said.",
                   speaker="the defence ministry", speaker_actor="Niger",
                   casualties=[dead(20, 20, "about", "terrorists")])
    mourners = claim("m1", "n2", "allegation", "Residents said the drone hit a funeral "
                     "procession, killing 22 civilians.", speaker="Residents",
                     speaker_actor="Residents", hours=20,
                     casualties=[dead(22, who="civilians")])
    [alert] = find_contradictions(mourners, [report])
    assert alert.answers == ("r1",) and "no military target" in alert.reason
    plain = replace(report, id="r2", casualties=())  # no count of fighters to contradict
    assert find_contradictions(mourners, [plain]) == []


def test_a_finding_naming_the_strike_itself_blames_no_other_party() -> None:
    strike = claim("a1", "n1", "allegation", "A Russian missile hit a bus stop in Sumy, "
                   "killing 11 commuters, officials said.", speaker="officials",
                   speaker_actor="Ukraine", accused="A Russian missile", accused_actor="Russia")
    denial = claim("d1", "n2", "denial", "The ministry said the Sumy strike hit a command "
                   "meeting and called reports of dead commuters a staged provocation.",
                   speaker="The ministry", speaker_actor="Russia", accused="The ministry",
                   accused_actor="Russia", hours=5)
    geolocated = claim("f1", "n3", "allegation", "Investigators geolocated six videos of the "
                       "Sumy strike and found the warhead detonated beside a bus stop.",
                       speaker="Investigators at the Centre for Information Resilience",
                       speaker_actor="Centre For Information Resilience",
                       accused="Sumy strike", accused_actor="Sumy Strike", hours=48)
    mourned = claim("a2", "n1", "allegation", "Zelensky said the Sumy strike deliberately "
                    "targeted civilians.", speaker="Zelensky", speaker_actor="Ukraine",
                    accused="the Sumy strike", accused_actor="Sumy Strike")
    [alert] = find_contradictions(geolocated, [strike, mourned, denial],
                                  {"d1": PairSignal(0.3)})
    assert alert.answers == ("d1",)
