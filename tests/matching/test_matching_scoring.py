"""Score parts: relevance fusion and aggregation, bonuses, capacity fit, exposure, ablation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from matcher.matching.capacity import challenge_window, free_hours
from matcher.matching.scoring import ABLATION_COMPONENTS, ScoringConfig, evidence_weights
from matcher.records import ChallengeKind
from tests.matching.matching_helpers import TODAY, candidate, doc, query, score

NO_LEXICAL = ScoringConfig(use_lexical=False)


def test_relevance_is_an_evidence_weighted_sum_of_the_best_three_documents() -> None:
    docs = [doc("a", dense=0.2), doc("b", dense=0.6), doc("c", dense=0.4), doc("d", dense=0.1)]
    s = score(query(), [candidate(1, documents=docs)], NO_LEXICAL)[1]
    assert evidence_weights(ScoringConfig()) == [1.0, 0.5, 0.25]
    assert s.relevance == pytest.approx((0.6 + 0.5 * 0.4 + 0.25 * 0.2) / 1.75)
    assert [d.dense for d in s.docs] == [0.6, 0.4, 0.2, 0.1]
    assert [round(d.share, 4) for d in s.docs] == [
        round(0.6 / 0.85, 4),
        round(0.2 / 0.85, 4),
        round(0.05 / 0.85, 4),
        0.0,
    ]


def test_more_supporting_documents_score_higher_than_one() -> None:
    one = candidate(1, documents=[doc("a", dense=0.5)])
    three = candidate(2, documents=[doc("a", dense=0.5), doc("b", dense=0.5), doc("c", dense=0.5)])
    scored = score(query(), [one, three], NO_LEXICAL)
    assert scored[2].relevance == pytest.approx(0.5)
    assert scored[1].relevance == pytest.approx(0.5 / 1.75)


def test_best_document_only_when_aggregation_is_off() -> None:
    docs = [doc("a", dense=0.6), doc("b", dense=0.4)]
    s = score(query(), [candidate(1, documents=docs)], NO_LEXICAL.without("aggregation"))[1]
    assert s.relevance == pytest.approx(0.6)


def test_lexical_evidence_adds_to_dense_and_finds_compound_words() -> None:
    q = query("Wie schrijft ons beleid voor de beveiliging van informatie?")
    expert = candidate(1, documents=[doc("Informatiebeveiligingsbeleid opgesteld.", dense=0.3)])
    other = candidate(2, documents=[doc("Wagenparkbeheer en logistiek.", dense=0.3)])
    scored = score(q, [expert, other])
    assert scored[1].features["lexical_best"] > 0.1
    assert scored[2].features["lexical_best"] == 0.0
    assert scored[1].score > scored[2].score
    assert scored[1].relevance == pytest.approx((0.3 + scored[1].docs[0].lexical) / 1.75)
    dense_only = score(q, [expert, other], NO_LEXICAL)
    assert dense_only[1].score == pytest.approx(dense_only[2].score)


def test_cross_sector_bonus_is_a_visible_score_part() -> None:
    q = query(sector_code="overheden", province=None)
    other_sector = candidate(1, sector_code="ict", documents=[doc("a", dense=0.4)])
    same_sector = candidate(2, sector_code="overheden", documents=[doc("a", dense=0.4)])
    scored = score(q, [other_sector, same_sector], NO_LEXICAL)
    bonus = ScoringConfig().cross_sector_bonus
    assert scored[1].parts["cross_sector_bonus"] == bonus
    assert scored[1].cross_sector and scored[1].features["cross_sector"] == 1.0
    assert scored[1].score == pytest.approx(scored[1].relevance * (1 + bonus))
    assert "cross_sector_bonus" not in scored[2].parts
    assert scored[2].score == pytest.approx(scored[2].relevance)
    assert scored[1].parts["score"] == scored[1].score
    off = score(q, [other_sector, same_sector], NO_LEXICAL.without("cross_sector"))
    assert off[1].score == pytest.approx(off[2].score)


def test_province_bonus_for_the_same_province() -> None:
    q = query(province="Groningen", sector_code=None)
    s = score(q, [candidate(1, province="Groningen")], NO_LEXICAL)[1]
    assert s.parts["province_bonus"] == 0.02
    assert s.score == pytest.approx(s.relevance * 1.02)


def test_capacity_fit_arithmetic() -> None:
    window = challenge_window(date(2027, 4, 1), date(2027, 6, 30), today=TODAY)
    assert window.months == pytest.approx(91 / 30.44)
    free = free_hours(
        hours_per_month=8.0,
        available_from=date(2027, 5, 1),
        available_until=None,
        reserved=4.0,
        window=window,
    )
    assert free == pytest.approx(8.0 * 61 / 30.44 - 4.0)

    q = query(
        kind=ChallengeKind.capacity,
        hours_needed=24.0,
        starts_on=date(2027, 4, 1),
        needed_by=date(2027, 6, 30),
    )
    person = candidate(
        1,
        capacity_hours_per_month=8.0,
        available_from=date(2027, 5, 1),
        reserved_hours=4.0,
        sector_code="overheden",
        province=None,
        documents=[doc("a", dense=0.5)],
    )
    s = score(q, [person], NO_LEXICAL)[1]
    fit = free / 24.0
    assert s.features["capacity_fit"] == pytest.approx(fit)
    assert s.parts["capacity_factor"] == pytest.approx(0.4 + 0.6 * fit)
    assert s.score == pytest.approx(0.5 / 1.75 * (0.4 + 0.6 * fit))
    assert s.free_hours == round(free, 1)
    # Other kinds weigh the fit half as much.
    k = score(replace(q, kind=ChallengeKind.knowledge), [person], NO_LEXICAL)
    assert k[1].parts["capacity_factor"] == pytest.approx(0.7 + 0.3 * fit)


def test_enough_capacity_costs_nothing() -> None:
    q = query(kind=ChallengeKind.capacity, hours_needed=5.0, sector_code=None, province=None)
    s = score(q, [candidate(1, capacity_hours_per_month=10.0)], NO_LEXICAL)[1]
    assert s.features["capacity_fit"] == 1.0
    assert "capacity_factor" not in s.parts
    assert s.score == pytest.approx(s.relevance)


def test_recent_exposure_weighs_a_person_down() -> None:
    q = query(sector_code=None, province=None)
    fresh = candidate(1, documents=[doc("a", dense=0.5)])
    busy = candidate(2, recent_exposure=4, documents=[doc("a", dense=0.5)])
    scored = score(q, [fresh, busy], NO_LEXICAL)
    assert scored[2].parts["exposure_factor"] == pytest.approx(1 / 1.2)
    assert scored[2].features["recent_exposure"] == 4.0
    assert scored[1].score > scored[2].score
    off = score(q, [fresh, busy], NO_LEXICAL.without("exposure"))
    assert off[1].score == pytest.approx(off[2].score)


def test_speaker_challenges_prefer_willing_speakers_on_the_topic() -> None:
    q = query(
        "Spreker gezocht over phishing-simulaties.",
        kind=ChallengeKind.speaker,
        sector_code=None,
        province=None,
    )
    on_topic = candidate(1, speaker_topics=("Phishing en awareness",))
    willing = candidate(2)
    unwilling = candidate(3, willing_to_speak=False)
    scored = score(q, [on_topic, willing, unwilling], NO_LEXICAL)
    assert scored[1].parts["speaker_factor"] == pytest.approx(1.15)
    assert scored[1].speaker_topics_matched == ["Phishing en awareness"]
    assert "speaker_factor" not in scored[2].parts
    assert scored[3].parts["speaker_factor"] == 0.5
    assert scored[1].score > scored[2].score > scored[3].score


def test_partner_challenges_blend_in_the_team() -> None:
    q = query(kind=ChallengeKind.partner, sector_code=None, province=None)
    lone = candidate(1, organisation_id=10, documents=[doc("a", dense=0.5)])
    team_a = candidate(2, organisation_id=20, documents=[doc("a", dense=0.5)])
    team_b = candidate(3, organisation_id=20, documents=[doc("a", dense=0.4)])
    scored = score(q, [lone, team_a, team_b], NO_LEXICAL)
    assert scored[2].score > scored[1].score
    r2, r3 = 0.5 / 1.75, 0.4 / 1.75
    assert scored[2].parts["organisation_strength"] == pytest.approx((r2 + 0.5 * r3) / 1.5)
    assert scored[2].score == pytest.approx(0.7 * r2 + 0.3 * (r2 + 0.5 * r3) / 1.5)


def test_every_ablation_component_switches_something_off() -> None:
    default = ScoringConfig()
    for component in ABLATION_COMPONENTS:
        assert default.without(component) != default, component
    with pytest.raises(ValueError, match="unknown component"):
        default.without("magic")
