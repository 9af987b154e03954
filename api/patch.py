"""PATCH bodies to typed changes: which fields the client sent."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from matcher.inputs import UNSET, Unset

T = TypeVar("T")


def sent(body: BaseModel, name: str, value: T) -> T | Unset:
    """value when the client sent the field (null included), UNSET when it left it out."""
    return value if name in body.model_fields_set else UNSET
