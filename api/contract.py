"""The OpenAPI contract: one Problem schema for every error, the bearer scheme, examples."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}
# Routes with a per-key rate limit (api.ratelimit).
LIMITED_PATHS = frozenset({"/challenges/{challenge_id}/suggestions", "/review/queue"})
PUBLIC_PATHS = frozenset({"/health"})

_DESCRIPTIONS = {
    "400": "Malformed request (for example a Content-Length that is not a number)",
    "401": "No key, or an unknown, revoked or expired key",
    "403": "The key's role may not do this",
    "404": "No such record, or one the caller may not know about",
    "409": "The record's state does not allow this (the problem's code says why)",
    "413": "The request body is larger than the configured limit; it was not read",
    "422": "Input that breaks the schema or a rule; errors[] names each field",
    "429": "Too many requests from this key on an expensive route",
    "503": "The database is not answering; nothing was changed",
}


class ProblemFieldError(BaseModel):
    """One failing input field."""

    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem: every error the API returns has this shape."""

    type: str = Field(examples=["https://noord-matcher.example/problems/not_found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["person 42 does not exist"])
    code: str = Field(description="Stable machine-readable reason", examples=["not_found"])
    errors: list[ProblemFieldError] | None = Field(
        default=None, description="For 422: each failing field"
    )


_EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/organisations"): {
        "name": "Gemeente Assen",
        "sector": "overheden",
        "province": "Drenthe",
        "contact_email": "ict@assen.example",
    },
    ("post", "/people"): {
        "name": "Anna de Vries",
        "email": "anna.devries@assen.example",
        "role": "Informatiebeveiliger",
        "languages": ["nl", "en"],
        "summary": "BIO-implementaties en risicoanalyses voor gemeenten.",
        "capacity_hours_per_month": 8,
        "available_from": "2026-01-01",
        "available_until": "2026-12-31",
        "willing_to_speak": True,
        "speaker_topics": ["digitale veiligheid"],
        "consent": True,
        "documents": [
            {
                "kind": "project",
                "title": "BIO-nulmeting",
                "text": "Nulmeting en verbeterplan volgens de BIO voor een middelgrote gemeente.",
            }
        ],
    },
    ("post", "/challenges"): {
        "title": "Spreker gezocht over zero trust",
        "description": "Voor de themabijeenkomst in maart zoeken wij een spreker over zero trust.",
        "kind": "speaker",
        "hours_needed": 6,
        "starts_on": "2026-02-01",
        "needed_by": "2026-03-19",
    },
    ("post", "/matches/{match_id}/reject"): {
        "reason_code": "wrong_expertise",
        "note": "Sterk in netwerken, maar de vraag gaat over beleid.",
    },
    ("post", "/matches/{match_id}/complete"): {"hours_spent": 12, "outcome_rating": 4},
    ("post", "/keys"): {"role": "member", "organisation_id": 3, "label": "portaal"},
}


def _error_responses(path: str, method: str) -> dict[str, Any]:
    if path in PUBLIC_PATHS:
        statuses = ["400", "413"]
    else:
        statuses = ["400", "401", "403", "404", "409", "413", "422", "503"]
        if path in LIMITED_PATHS:
            statuses.append("429")
    out: dict[str, Any] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
        }
        if status in ("429", "503"):
            entry["headers"] = _RETRY_AFTER
        out[status] = entry
    return out


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with errors, security and examples filled in."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, schema in (
        Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        .pop("$defs", {})
        .items()
    ):
        schemas[name] = schema
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    problem_schema.pop("$defs", None)
    schemas["Problem"] = problem_schema
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (nm_<prefix>_<secret>) from `matcher keys create`",
        }
    }
    document["security"] = [{"bearer": []}]
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.update(_error_responses(path, method))
            if path in PUBLIC_PATHS:
                # /health answers 503 with its own report when the database or model is not ready.
                responses["503"] = {
                    "description": "Degraded: the database or the model is not ready",
                    "content": {
                        "application/json": {
                            "schema": responses["200"]["content"]["application/json"]["schema"]
                        }
                    },
                }
            if path in PUBLIC_PATHS:
                operation["security"] = []
            example = _EXAMPLES.get((method, path))
            content = operation.get("requestBody", {}).get("content", {})
            if example is not None and "application/json" in content:
                content["application/json"]["example"] = example
    return document


def install_contract(app: FastAPI) -> None:
    """Serve the completed OpenAPI document (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
