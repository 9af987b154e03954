"""Theme-event calendar, speaker rotation, sector mix and lunch organisations (no database)."""

from __future__ import annotations

import itertools
from datetime import date

from matcher.matching.programme import (
    OrganisationOption,
    RotationRules,
    SpeakerOption,
    StageAppearance,
    best_mixed_set,
    choose_speakers,
    lunch_organisations,
    months_before,
    theme_event_dates,
    third_thursday,
)


def test_third_thursday_of_known_months() -> None:
    assert third_thursday(2026, 1) == date(2026, 1, 15)
    assert third_thursday(2026, 10) == date(2026, 10, 15)
    assert third_thursday(2027, 4) == date(2027, 4, 15)
    assert third_thursday(2026, 12) == date(2026, 12, 17)
    for year, month in itertools.product((2026, 2027, 2028), range(1, 13)):
        day = third_thursday(year, month)
        assert day.weekday() == 3 and 15 <= day.day <= 21


def test_calendar_is_twelve_future_third_thursdays() -> None:
    days = theme_event_dates(date(2026, 12, 2), 12)
    assert len(days) == 12
    assert days[0] == date(2026, 12, 17)
    assert days[-1] == date(2027, 11, 18)
    # A start after this month's third Thursday begins next month.
    assert theme_event_dates(date(2026, 12, 18), 1) == [date(2027, 1, 21)]


def test_months_before_clamps_to_month_end() -> None:
    assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert months_before(date(2027, 1, 15), 6) == date(2026, 7, 15)


def _opt(person: int, org: int, sector: str, score: float) -> SpeakerOption:
    return SpeakerOption(person_id=person, organisation_id=org, sector_code=sector, score=score)


def _best_set_by_brute_force(options: list[SpeakerOption], slots: int) -> float:
    best = -1.0
    for combo in itertools.combinations(options, slots):
        if len({o.organisation_id for o in combo}) < slots:
            continue
        if len({o.sector_code for o in combo}) < 2:
            continue
        best = max(best, sum(o.score for o in combo))
    return best


def test_sector_mix_is_not_the_top_k() -> None:
    options = [
        _opt(1, 10, "zorg", 0.9),
        _opt(2, 11, "zorg", 0.85),
        _opt(3, 12, "zorg", 0.8),
        _opt(4, 13, "ict", 0.5),
        _opt(5, 14, "overheden", 0.6),
    ]
    chosen = best_mixed_set(options, 3)
    assert [o.person_id for o in chosen] == [1, 2, 5]
    assert len({o.sector_code for o in chosen}) == 2
    assert sum(o.score for o in chosen) == _best_set_by_brute_force(options, 3)


def test_sector_mix_matches_brute_force_on_many_cases() -> None:
    import random

    rng = random.Random(7)
    sectors = ["zorg", "ict", "overheden"]
    for _ in range(300):
        n = rng.randint(2, 8)
        options = [
            _opt(i, rng.randint(1, 5), rng.choice(sectors[: rng.randint(1, 3)]), rng.random())
            for i in range(n)
        ]
        # One organisation is in one sector.
        sector_of = {o.organisation_id: o.sector_code for o in options}
        options = [
            _opt(o.person_id, o.organisation_id, sector_of[o.organisation_id] or "", o.score)
            for o in options
        ]
        slots = rng.randint(2, 3)
        expected = _best_set_by_brute_force(options, slots)
        chosen = best_mixed_set(options, slots)
        if expected < 0:
            continue  # no mixed set exists; the top set is returned
        assert abs(sum(o.score for o in chosen) - expected) < 1e-9


def test_one_speaker_per_organisation() -> None:
    options = [_opt(1, 10, "zorg", 0.9), _opt(2, 10, "zorg", 0.88), _opt(3, 11, "ict", 0.4)]
    assert [o.person_id for o in best_mixed_set(options, 2)] == [1, 3]


def _stage(event: int, kind: str, day: date, person: int, org: int) -> StageAppearance:
    return StageAppearance(
        event_id=event, event_kind=kind, day=day, person_id=person, organisation_id=org
    )


def test_rotation_keeps_recent_speakers_and_neighbouring_organisations_out() -> None:
    options = [
        _opt(1, 10, "zorg", 0.9),  # spoke two months ago
        _opt(2, 11, "ict", 0.85),  # organisation on stage at the previous theme event
        _opt(3, 12, "overheden", 0.7),
        _opt(4, 13, "ict", 0.6),
    ]
    history = [
        _stage(100, "lunch_session", date(2027, 1, 12), 1, 10),
        _stage(101, "theme_event", date(2027, 2, 18), 9, 11),
    ]
    choice = choose_speakers(
        options, history, event_id=200, event_kind="theme_event", day=date(2027, 3, 18), slots=2
    )
    assert [o.person_id for o in choice.chosen] == [3, 4]
    assert choice.resting_people == {1, 9}
    assert choice.resting_organisations == {11}
    assert choice.notes == []


def test_rotation_is_relaxed_only_when_nobody_else_fits_and_says_so() -> None:
    options = [_opt(1, 10, "zorg", 0.9), _opt(2, 11, "ict", 0.2)]  # 2 does not fit (< half of best)
    history = [_stage(101, "theme_event", date(2027, 2, 18), 7, 10)]
    choice = choose_speakers(
        options, history, event_id=200, event_kind="theme_event", day=date(2027, 3, 18), slots=1
    )
    assert [o.person_id for o in choice.chosen] == [1]
    assert any("vorige of volgende thema-evenement" in n for n in choice.notes)


def test_organisation_rule_applies_to_theme_events_only() -> None:
    options = [_opt(1, 10, "zorg", 0.9)]
    history = [_stage(101, "theme_event", date(2027, 2, 18), 7, 10)]
    choice = choose_speakers(
        options, history, event_id=200, event_kind="lunch_session", day=date(2027, 3, 2), slots=1
    )
    assert [o.person_id for o in choice.chosen] == [1]
    assert choice.notes == []


def test_person_rest_period_is_configurable() -> None:
    options = [_opt(1, 10, "zorg", 0.9), _opt(2, 11, "ict", 0.8)]
    history = [_stage(100, "lunch_session", date(2026, 11, 10), 1, 10)]
    day = date(2027, 3, 18)
    short = choose_speakers(
        options,
        history,
        event_id=1,
        event_kind="lunch_session",
        day=day,
        slots=1,
        rules=RotationRules(person_rest_months=3),
    )
    long = choose_speakers(
        options,
        history,
        event_id=1,
        event_kind="lunch_session",
        day=day,
        slots=1,
        rules=RotationRules(person_rest_months=6),
    )
    assert [o.person_id for o in short.chosen] == [1]
    assert [o.person_id for o in long.chosen] == [2]


def test_too_few_candidates_is_said() -> None:
    choice = choose_speakers(
        [_opt(1, 10, "zorg", 0.9)],
        [],
        event_id=1,
        event_kind="theme_event",
        day=date(2027, 3, 18),
        slots=2,
    )
    assert len(choice.chosen) == 1
    assert any("1 van 2" in n for n in choice.notes)


def test_lunch_organisations_skip_recent_presenters_and_weak_evidence() -> None:
    strengths = [
        OrganisationOption(10, 1.0, (1,)),
        OrganisationOption(11, 0.9, (2,)),
        OrganisationOption(12, 0.7, (3,)),
        OrganisationOption(13, 0.2, (4,)),
    ]
    presented = [
        _stage(5, "lunch_session", date(2026, 9, 8), 1, 10),  # within 12 months
        _stage(6, "lunch_session", date(2025, 9, 8), 2, 11),  # longer ago
        _stage(7, "theme_event", date(2027, 1, 21), 3, 12),  # not a lunch session
    ]
    out = lunch_organisations(strengths, presented, day=date(2027, 3, 2))
    assert [o.organisation_id for o in out] == [11, 12]


def test_consecutive_means_the_calendar_not_only_events_with_speakers() -> None:
    # The February event has no speakers yet; January's organisation is not its neighbour.
    options = [_opt(1, 10, "zorg", 0.9), _opt(2, 11, "ict", 0.8)]
    history = [_stage(101, "theme_event", date(2027, 1, 21), 7, 10)]
    calendar = {101: date(2027, 1, 21), 102: date(2027, 2, 18), 103: date(2027, 3, 18)}
    choice = choose_speakers(
        options,
        history,
        event_id=103,
        event_kind="theme_event",
        day=date(2027, 3, 18),
        slots=1,
        theme_events=calendar,
    )
    assert [o.person_id for o in choice.chosen] == [1]
    assert choice.resting_organisations == set()
