"""What the review pages print: evidence titles cut where a reader expects."""

from __future__ import annotations

from api.web_format import evidence_title


def test_an_evidence_title_is_its_title_or_its_first_sentence_never_a_stray_word() -> None:
    assert evidence_title({"title": "AI-beleid zonder verbod", "excerpt": "Lang verhaal."}) == (
        "AI-beleid zonder verbod"
    )
    summary = (
        "Tjitske schrijft beleid op het snijvlak van data, AI en ethiek. Ze adviseert "
        "gemeenten over algoritmeregisters."
    )
    assert evidence_title({"title": "", "excerpt": summary}) == (
        "Tjitske schrijft beleid op het snijvlak van data, AI en ethiek"
    )
    long_sentence = "Karin richt het beveiligingsbeleid in " + "en de meldprocedures " * 6
    title = evidence_title({"excerpt": long_sentence})
    assert title.endswith("…") and len(title) <= 71
    assert long_sentence.startswith(title[:-1].rstrip())  # cut between words, not inside one
    assert evidence_title({"excerpt": "Kort profiel."}) == "Kort profiel"
