"""Document kinds as a reader sees them: Dutch on pages, mail and Dutch explanations; English
in English explanations."""

from __future__ import annotations

from matcher.records import DocumentKind

DOCUMENT_KIND_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        DocumentKind.summary: "profiel",
        DocumentKind.project: "project",
        DocumentKind.talk: "presentatie",
        DocumentKind.certification: "certificering",
        DocumentKind.publication: "publicatie",
        DocumentKind.other: "overig",
    },
    "en": {
        DocumentKind.summary: "profile",
        DocumentKind.project: "project",
        DocumentKind.talk: "talk",
        DocumentKind.certification: "certification",
        DocumentKind.publication: "publication",
        DocumentKind.other: "other",
    },
}
