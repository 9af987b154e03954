"""Shared key terms in the members' own words, and words that are context, not expertise.

A shared term is shown as a word that a member can find in both texts: the same word in
both ("privacy"), or a word of one text that begins or sits inside a compound of the other
without being its last part ("phishing" in "phishingmails", "beveiliging" in
"informatiebeveiligingsbeleid"). Dutch compounds put the general word last ("beleid" in
"back-upbeleid"), so a match on the last part alone is not the shared concept and is not
shown. Numbers, dates, durations and the logistics of a meeting or an event are never key
terms: they say when and how, not what someone knows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from matcher.matching.lexical import KEY_TERM_MAX_SHARE, LexicalStats, idf
from matcher.matching.text import STOP_WORDS

_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_NUMBER_LIKE = re.compile(r"^\d+(?:[.,]\d+)*[a-z]{0,2}$")
_ANY_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)

MIN_PART = 5
"""Letters a word needs to count as part of a compound of the other text."""

_WEEKDAYS = (
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag "
    "monday tuesday wednesday thursday friday saturday sunday "
    "maandagen dinsdagen woensdagen donderdagen vrijdagen weekend weekends"
)
_MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december "
    "january february march june july august october "
    "voorjaar najaar zomer winter herfst lente spring summer autumn"
)
_DURATIONS = (
    "uur uren urenbudget minuut minuten kwartier dag dagen dagdeel dagdelen week weken "
    "weekly wekelijks maand maanden maandelijks jaar jaren jaarlijks kwartaal kwartalen "
    "hour hours minute minutes day days month months monthly year years yearly quarter "
    "halfjaar periode termijn deadline tijdens vanaf uiterlijk binnenkort begin eind einde"
)
_NUMBERS = (
    "een twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig veertig "
    "vijftig honderd duizend eerste tweede derde vierde vijfde half halve "
    "one two three four five six seven eight nine ten twenty thirty forty fifty hundred "
    "first second third fourth fifth"
)
# The when, where and for whom of an event or a request: they describe the occasion.
_LOGISTICS = (
    "lunchsessie lunchsessies lunch sessie sessies bijeenkomst bijeenkomsten evenement "
    "evenementen event events themadag themabijeenkomst middag ochtend avond "
    "publiek zaal locatie datum deelnemers deelnemer aanwezigen bezoekers leden lid "
    "spreker sprekers presentatie presentaties presenteren praatje talk talks speaker "
    "speakers audience session sessions venue meeting meetings keynote workshop workshops "
    "donderdagmiddag donderdagochtend online fysiek hybride programma agenda "
    "gezocht zoeken ervaring ervaren kennis deskundige expert experts vraag vragen "
    "organisatie organisaties collega collega's medewerkers team teams mensen persoon "
    "experience knowledge people person organisation organisations colleagues"
)
# General words of any text: they join a sentence, they do not name what someone knows.
_GENERAL = (
    "samen nieuw nieuwe nieuwer maken maakt gemaakt verschil zodat elkaar elkaars onder per "
    "inclusief exclusief waaronder zoals "
    "gebruik gebruiken gebruikt direct vallen valt laat laten zien ziet start starten kleine "
    "klein grote groot groter basis plaats eerst eerder sinds steeds waarmee hierbij daarbij "
    "daarna daarnaast zorgt zorgen zorgde beter beste aantal paar vooral echt hele geheel "
    "werken werkt werkte gewerkt werk doet deed gedaan geeft geven gaf kreeg krijgen houden "
    "hield staat stond weten weet wilde kijken kijkt brengen bracht ging lukt dezelfde "
    "hetzelfde tussen bieden biedt volgen volgt stappen alleen konden kunnen beide aanpak "
    "uitvoeren uitgevoerd gedeeld gedeelde delen deelt bereid bleek keuze overwegen "
    "verzamelen verzamelt weten stopt draait binnen buiten regio regionaal regionale "
    "has have had would could may might must make made makes use used using uses new "
    "well good better best many much several various within across between during "
    "based including include includes like often way ways part parts learn built build "
    "store manage share example group time company customer clients external control"
)
# Who asks and where: the asker's own sector, organisation type or region is context.
# Who asks, as a noun ("een waterschap", "de zorg"): a phrase with one is left out of the
# challenge's meaning vector (without_context_phrases).
_ASKER_NOUNS = (
    "gemeente gemeenten overheid overheden provincie provincies waterschap waterschappen "
    "wetterskip ziekenhuis ziekenhuizen zorg zorginstelling zorginstellingen zorgorganisatie "
    "zorgorganisaties hogeschool hogescholen universiteit school scholen onderwijsinstelling "
    "corporatie corporaties woningcorporatie woningcorporaties mkb sector sectoren "
    "municipality municipalities hospital hospitals government"
)
# The other words about the asker: adjectives ("gemeentelijke archieven" is a subject, not
# the asker) and regions (every member is in the north, so "in het Noorden" is more often
# the subject than the asker) are context for the lexical evidence only.
_SECTOR = (
    _ASKER_NOUNS + " gemeentelijke bedrijf bedrijven noord noorden noordelijke noord-nederland "
    "friesland fryslân groningen drenthe regio regionaal regionale landelijk landelijke "
    "region regional"
)
SECTOR_CONTEXT = frozenset(_SECTOR.split())
"""Words about the asker's sector, organisation type or region: context, not expertise."""

CONTEXT_WORDS = (
    frozenset(" ".join((_WEEKDAYS, _MONTHS, _DURATIONS, _NUMBERS, _LOGISTICS, _GENERAL)).split())
    | SECTOR_CONTEXT
)
"""Words that are never expertise: weekdays, months, durations, numbers, event logistics."""


def expertise_text(text: str) -> str:
    """The text without context words: its occasion (numbers, dates, logistics), the asker's
    sector, organisation type or region, and general words."""
    kept = [
        token
        for token in _ANY_TOKEN.findall(text)
        if not _is_count_or_year(token) and token.lower() not in CONTEXT_WORDS
    ]
    return " ".join(kept)


_CONTEXT_PHRASE = re.compile(
    r"\b(?:voor|bij|in|binnen|vanuit|for|at|within)\s+"
    r"(?:(?:een|de|het|onze|ons|mijn|a|an|the|our|my)\s+)?"
    r"(?:[^\W\d_]+\s+)?"
    rf"(?:{'|'.join(sorted(_ASKER_NOUNS.split(), key=len, reverse=True))})\b",
    re.IGNORECASE | re.UNICODE,
)


def without_context_phrases(text: str) -> str:
    """The text with the phrases that say who asks ("voor een waterschap", "in de zorg")
    taken out: what a challenge's meaning vector is made of, so the asker's sector does not
    pull in people for their employer instead of their expertise."""
    stripped = _CONTEXT_PHRASE.sub(" ", text)
    stripped = re.sub(r"\s+([?.!,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", stripped)).strip()
    return stripped if any(ch.isalnum() for ch in stripped) else text


def _is_count_or_year(token: str) -> bool:
    """30, 180, 2027: a quantity or a date. Standards' numbers (27001, 62443) are kept."""
    return token.isdigit() and (len(token) <= 3 or 1900 <= int(token) <= 2100)


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Lower case without diacritics, for comparing words (cached: explaining a suggestion
    compares the same few hundred words again for every document shown)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def surface_words(text: str) -> list[str]:
    """Lower-case words as written, hyphenated words also as their parts ("bio-verantwoording")."""
    out: list[str] = []
    for token in _TOKEN.findall(text):
        word = token.lower()
        out.append(word)
        if "-" in word:
            parts = [part for part in word.split("-") if part]
            out.extend(parts)
            # "nis2-gap-analyse" also holds "gap-analyse" and "nis2-gap".
            for size in range(2, len(parts)):
                out.extend("-".join(parts[i : i + size]) for i in range(len(parts) - size + 1))
    return out


def acronyms(text: str) -> set[str]:
    """Short capitalised terms written as such ("AI", "BIO", "OT"), lower-cased."""
    return {
        part.lower()
        for token in _TOKEN.findall(text)
        for part in token.split("-")
        if 2 <= len(part) <= 6 and part.isupper() and part.isalpha()
    }


@lru_cache(maxsize=4096)
def _words_of(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A text's surface words and acronyms (cached: a request explains the challenge against
    every document shown, and the same documents are shown again)."""
    return tuple(surface_words(text)), frozenset(acronyms(text))


@lru_cache(maxsize=1 << 16)
def is_key_word(word: str) -> bool:
    """A word that may carry expertise: long enough, no number, no stop or context word."""
    bare = word.strip("'-")
    if len(bare) < 3 or _NUMBER_LIKE.match(bare) or not any(c.isalpha() for c in bare):
        return False
    return bare not in STOP_WORDS and bare not in CONTEXT_WORDS and fold(bare) not in CONTEXT_WORDS


def _inside_not_last(part: str, compound: str) -> bool:
    """``part`` occurs in ``compound`` somewhere other than as its last part."""
    if len(part) < MIN_PART or len(compound) <= len(part):
        return False
    index = compound.find(part)
    while index >= 0:
        if index + len(part) < len(compound):
            return True
        index = compound.find(part, index + 1)
    return False


def _lexeme_of(word: str, lexemes: Iterable[str]) -> str | None:
    """The longest stemmed lexeme that this word is a form of, if any."""
    best: str | None = None
    folded = fold(word)
    for lex in lexemes:
        stem = lex[:-1] if len(lex) > 4 else lex
        if folded.startswith(stem) and (best is None or len(lex) > len(best)):
            best = lex
    return best


@dataclass(frozen=True, slots=True)
class _KeyWords:
    """A text's key words, folded, in the order they first appear, each with its word as
    written, and where to find the ones that may sit inside or around another word."""

    written: dict[str, str]
    """Folded key word -> the word as first written."""
    position: dict[str, int]
    by_start: dict[str, tuple[str, ...]]
    """The first MIN_PART letters of a folded key word -> the folded key words starting so."""
    by_piece: dict[str, tuple[str, ...]]
    """Every MIN_PART letters inside a folded key word -> the folded key words holding them."""

    def related(self, fq: str) -> list[str]:
        """Folded key words inside ``fq`` or around it, at least MIN_PART letters of the
        shorter one (a shorter part is never shown: _inside_not_last); those around it first,
        then by where they sit in ``fq``, then in text order."""
        around = self.by_piece.get(fq[:MIN_PART], ()) if len(fq) >= MIN_PART else ()
        found = {fd for fd in around if fq in fd and fd != fq}
        for i in range(len(fq) - MIN_PART + 1):
            for fd in self.by_start.get(fq[i : i + MIN_PART], ()):
                if fd != fq and fd in fq:
                    found.add(fd)
        return sorted(found, key=lambda fd: (fq.find(fd), self.position[fd]))


@lru_cache(maxsize=4096)
def _key_words(text: str) -> _KeyWords:
    """The text's key words (cached like _words_of: the same documents are shown again)."""
    written: dict[str, str] = {}
    for word in _words_of(text)[0]:
        if is_key_word(word):
            written.setdefault(fold(word), word)
    by_start: dict[str, list[str]] = {}
    by_piece: dict[str, list[str]] = {}
    for fd in written:
        if len(fd) < MIN_PART:
            continue
        by_start.setdefault(fd[:MIN_PART], []).append(fd)
        for piece in dict.fromkeys(fd[i : i + MIN_PART] for i in range(len(fd) - MIN_PART + 1)):
            by_piece.setdefault(piece, []).append(fd)
    return _KeyWords(
        written=written,
        position={fd: i for i, fd in enumerate(written)},
        by_start={k: tuple(v) for k, v in by_start.items()},
        by_piece={k: tuple(v) for k, v in by_piece.items()},
    )


def shared_key_terms(
    query_text: str,
    document_text: str,
    *,
    query_lexemes: Sequence[str] = (),
    stats: LexicalStats | None = None,
    limit: int = 5,
) -> list[str]:
    """Key terms both texts contain, as written; rarest first, then in the challenge's order.

    A word found in more than 5% of all documents (by its stemmed lexeme) is left out: it is
    everywhere and says little about expertise.
    """
    query_surface, query_acronyms = _words_of(query_text)
    doc_acronyms = _words_of(document_text)[1]
    doc = _key_words(document_text)
    shared_acronyms = query_acronyms & doc_acronyms
    query_words = list(
        dict.fromkeys(w for w in query_surface if is_key_word(w) or w in shared_acronyms)
    )
    # Acronyms both write as such count as words of the document too (sorted: a fixed order).
    acronym_written = {fold(a): a for a in sorted(shared_acronyms) if fold(a) not in doc.written}
    found: list[str] = []
    for q in query_words:
        fq = fold(q)
        if fq in doc.written or fq in acronym_written:
            found.append(q)
            continue
        # The shorter word must sit in the longer one, but not as its (general) last part.
        related = [(fd, doc.written[fd]) for fd in doc.related(fq)]
        related += [(fa, a) for fa, a in acronym_written.items() if fa in fq or fq in fa]
        for fd, d in sorted(related, key=lambda item: fq.find(item[0])):
            if _inside_not_last(fd, fq):
                found.append(d)
            elif _inside_not_last(fq, fd):
                found.append(q)
    terms = list(dict.fromkeys(found))
    # Drop a word that is part of another shown word: "bio" next to "bio-verantwoording".
    terms = [t for t in terms if not any(t != o and t in o for o in terms)]
    if stats is None:
        return terms[:limit]
    common_above = max(2.0, KEY_TERM_MAX_SHARE * stats.documents)
    ranked: list[tuple[float, int, str]] = []
    for position, term in enumerate(terms):
        lex = _lexeme_of(term, query_lexemes)
        if lex is not None and stats.document_frequency.get(lex, 0) > common_above:
            continue
        rarity = idf(stats, lex) if lex is not None else 0.0
        ranked.append((-rarity, position, term))
    return [term for _, _, term in sorted(ranked)][:limit]


def in_both_texts(term: str, first: str, second: str) -> bool:
    """A shown term is a word of one text and a word, or a non-final compound part, of the other."""

    def has(text: str, whole_only: bool) -> bool:
        words = {fold(w) for w in surface_words(text)}
        ft = fold(term)
        if ft in words:
            return True
        return not whole_only and any(_inside_not_last(ft, w) for w in words)

    return (has(first, True) and has(second, False)) or (has(second, True) and has(first, False))
