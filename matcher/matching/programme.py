"""The association's programme, pure: the theme-event calendar, speaker rotation and sector mix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

THURSDAY = 3


def third_thursday(year: int, month: int) -> date:
    """The third Thursday of a month (the day of the association's theme event)."""
    first = date(year, month, 1)
    offset = (THURSDAY - first.weekday()) % 7
    return first + timedelta(days=offset + 14)


def theme_event_dates(start: date, months: int = 12) -> list[date]:
    """The third Thursdays of the next `months` months, counting the month of start if still ahead."""
    out: list[date] = []
    year, month = start.year, start.month
    while len(out) < months:
        day = third_thursday(year, month)
        if day >= start:
            out.append(day)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (clamped to the month's last day)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


@dataclass(frozen=True, slots=True)
class SpeakerOption:
    """A person who could speak at an event, with the score that ranks them."""

    person_id: int
    organisation_id: int
    sector_code: str | None
    score: float


@dataclass(frozen=True, slots=True)
class StageAppearance:
    """Someone on (or booked for) a stage: invited, accepted or held, at one event."""

    event_id: int
    event_kind: str
    day: date
    person_id: int
    organisation_id: int


@dataclass(frozen=True, slots=True)
class RotationRules:
    """How long a person rests between talks; whether organisations alternate at theme events."""

    person_rest_months: int = 6
    alternate_organisations: bool = True


@dataclass(slots=True)
class SpeakerChoice:
    """The chosen speakers (best first), who rotation kept out, and what was relaxed and why."""

    chosen: list[SpeakerOption]
    resting_people: set[int] = field(default_factory=set)
    resting_organisations: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def neighbouring_theme_events(
    theme_events: Mapping[int, date], *, event_id: int, day: date
) -> set[int]:
    """Ids of the theme events just before and just after this day (the event itself left out)."""
    before = [(d, e) for e, d in theme_events.items() if e != event_id and d < day]
    after = [(d, e) for e, d in theme_events.items() if e != event_id and d > day]
    out: set[int] = set()
    if before:
        out.add(max(before)[1])
    if after:
        out.add(min(after)[1])
    return out


def resting(
    history: Sequence[StageAppearance],
    *,
    event_id: int,
    event_kind: str,
    day: date,
    rules: RotationRules,
    theme_events: Mapping[int, date] | None = None,
) -> tuple[set[int], set[int]]:
    """People who spoke (or will) within the rest period; organisations on the neighbouring theme events."""
    start = months_before(day, rules.person_rest_months)
    end = day + (day - start)
    people = {a.person_id for a in history if a.event_id != event_id and start < a.day < end}
    organisations: set[int] = set()
    if rules.alternate_organisations and event_kind == "theme_event":
        days = (
            theme_events
            if theme_events is not None
            else {a.event_id: a.day for a in history if a.event_kind == "theme_event"}
        )
        neighbours = neighbouring_theme_events(days, event_id=event_id, day=day)
        organisations = {a.organisation_id for a in history if a.event_id in neighbours}
    return people, organisations


def best_mixed_set(options: Sequence[SpeakerOption], slots: int) -> list[SpeakerOption]:
    """The best-scoring set of `slots` speakers from different organisations covering ≥ 2 sectors.

    One speaker per organisation (an organisation's best person is always the better pick).
    When the top set shares one sector, the best set that does not is the top slots-1 plus
    the best person of another sector: any set covering two sectors holds someone from
    outside that sector, and the rest of it can be no better than the top slots-1. With
    a single slot, or one sector among all options, it is simply the top set.
    """
    if slots <= 0:
        return []
    best_per_org: dict[int, SpeakerOption] = {}
    for option in sorted(options, key=lambda o: (-o.score, o.person_id)):
        best_per_org.setdefault(option.organisation_id, option)
    ranked = sorted(best_per_org.values(), key=lambda o: (-o.score, o.person_id))
    top = ranked[:slots]
    if slots < 2 or len(top) < 2 or len({o.sector_code for o in top}) >= 2:
        return top
    sector = top[0].sector_code
    other = next((o for o in ranked[slots:] if o.sector_code != sector), None)
    if other is None:
        return top
    return sorted([*top[: slots - 1], other], key=lambda o: (-o.score, o.person_id))


def choose_speakers(
    options: Sequence[SpeakerOption],
    history: Sequence[StageAppearance],
    *,
    event_id: int,
    event_kind: str,
    day: date,
    slots: int,
    rules: RotationRules | None = None,
    theme_events: Mapping[int, date] | None = None,
    fit_ratio: float = 0.5,
) -> SpeakerChoice:
    """Speakers for an event under rotation and sector mix; rules are relaxed only when nobody else fits.

    Someone fits when their score is at least fit_ratio of the best option's. Rotation first
    keeps resting people and the neighbouring theme events' organisations out; when fewer than
    `slots` fitting people remain, the organisation rule is relaxed, then the person rule, and
    each relaxation is named in the notes.
    """
    rules = rules or RotationRules()
    people, organisations = resting(
        history,
        event_id=event_id,
        event_kind=event_kind,
        day=day,
        rules=rules,
        theme_events=theme_events,
    )
    if not options:
        return SpeakerChoice(chosen=[], notes=["Niemand die wil spreken past bij dit thema."])
    best = max(o.score for o in options)
    fitting = [o for o in options if o.score >= fit_ratio * best]
    choice = SpeakerChoice(chosen=[], resting_people=people, resting_organisations=organisations)

    def allowed(o: SpeakerOption, *, keep_people: bool, keep_orgs: bool) -> bool:
        if keep_people and o.person_id in people:
            return False
        return not (keep_orgs and o.organisation_id in organisations)

    def distinct_orgs(pool: Iterable[SpeakerOption]) -> int:
        return len({o.organisation_id for o in pool})

    strict = [o for o in fitting if allowed(o, keep_people=True, keep_orgs=True)]
    pool = strict
    if distinct_orgs(strict) < slots and organisations:
        relaxed = [o for o in fitting if allowed(o, keep_people=True, keep_orgs=False)]
        if distinct_orgs(relaxed) > distinct_orgs(strict):
            pool = relaxed
            choice.notes.append(
                "Rotatie losgelaten: te weinig passende sprekers van organisaties die niet op het "
                "vorige of volgende thema-evenement staan."
            )
    if distinct_orgs(pool) < slots and people:
        relaxed = [o for o in fitting if allowed(o, keep_people=False, keep_orgs=False)]
        if distinct_orgs(relaxed) > distinct_orgs(pool):
            pool = relaxed
            choice.notes.append(
                f"Rotatie losgelaten: te weinig passende sprekers die de afgelopen "
                f"{rules.person_rest_months} maanden niet hebben gesproken."
            )
    choice.chosen = best_mixed_set(pool, slots)
    if len(choice.chosen) < slots:
        choice.notes.append(
            f"Slechts {len(choice.chosen)} van {slots} plekken gevuld: niet genoeg passende "
            "sprekers van verschillende organisaties."
        )
    elif slots >= 2 and len({o.sector_code for o in choice.chosen}) < 2:
        choice.notes.append("Alle passende sprekers komen uit één sector; geen sectormix mogelijk.")
    return choice


@dataclass(frozen=True, slots=True)
class OrganisationOption:
    """An organisation that could present at a lunch session, with its team strength."""

    organisation_id: int
    strength: float
    person_ids: tuple[int, ...]


def lunch_organisations(
    strengths: Sequence[OrganisationOption],
    presented: Iterable[StageAppearance],
    *,
    day: date,
    top: int = 5,
    months: int = 12,
    strong_ratio: float = 0.5,
) -> list[OrganisationOption]:
    """Organisations with strong evidence that did not present at a lunch session in the last months."""
    since = months_before(day, months)
    recent = {
        a.organisation_id
        for a in presented
        if a.event_kind == "lunch_session" and since < a.day <= day
    }
    if not strengths:
        return []
    best = max(s.strength for s in strengths)
    eligible = [
        s
        for s in strengths
        if s.organisation_id not in recent and s.strength > 0 and s.strength >= strong_ratio * best
    ]
    return sorted(eligible, key=lambda s: (-s.strength, s.organisation_id))[:top]
