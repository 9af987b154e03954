"""The Dutch introduction letter the programme manager starts from (pure: a record in, text out)."""

from __future__ import annotations

from matcher.dates import long_date
from matcher.records_matches import MatchRecord


def _hours(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}".replace(".", ",")


def default_introduction_text(match: MatchRecord) -> str:
    """A Dutch introduction from the challenge, the person and the evidence."""
    asker = match.challenge_organisation_name or "Een van onze leden"
    role = (
        f"{match.person_role} bij {match.organisation_name}"
        if match.person_role
        else (f"medewerker van {match.organisation_name}")
    )
    titles = [
        str(e.get("title") or "").strip()
        for e in match.explanation.get("evidence") or []
        if str(e.get("title") or "").strip()
    ][:2]
    evidence = ""
    if titles:
        evidence = ", onder meer met " + " en ".join(f"«{t}»" for t in titles)
    paragraphs = [
        f"Beste {match.person_name},",
        f"{asker} zoekt via het netwerk van de vereniging hulp bij de vraag "
        f"«{match.challenge_title}». Op basis van je ervaring als {role}{evidence}, "
        "denken wij dat jij hierbij goed kunt helpen.",
    ]
    if match.challenge_description:
        excerpt = match.challenge_description.strip()
        if len(excerpt) > 400:
            excerpt = excerpt[:400].rsplit(" ", 1)[0] + " …"
        paragraphs.append(f"De vraag in het kort: {excerpt}")
    planning: list[str] = []
    if match.hours_needed:
        planning.append(f"het gaat om ongeveer {_hours(match.hours_needed)} uur")
    if match.needed_by is not None:
        planning.append(f"graag vóór {long_date(match.needed_by)}")
    if planning:
        sentence = ", ".join(planning)
        paragraphs.append(sentence[0].upper() + sentence[1:] + ".")
    paragraphs.append(
        f"Wij stellen jullie graag aan elkaar voor. Laat je via {match.organisation_name} weten "
        "of je op deze introductie ingaat? Zodra je dat bevestigt, delen wij je "
        f"contactgegevens met {asker}."
    )
    paragraphs.append("Met vriendelijke groet,\nHet programmabureau")
    return "\n\n".join(paragraphs)
