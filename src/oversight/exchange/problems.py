"""What goes wrong in an exchange document: a problem is a JSON path and a short reason.

A document is rejected whole with every problem listed (EXCHANGE.md), so problems are collected,
never raised one by one; `InvalidDocument` carries all of them, in document order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # a JSON path such as `$.staff[3].role`
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidDocument(Exception):
    """The document breaks `oversight-exchange/1`; `.problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the document:"]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)


_INDEX = object()  # the step of a list item, as opposed to an object's key


class Path:
    """A place in the document: the text users see, and a key that sorts problems in document order.

    The sort key has one number per step: a list index, or the rank of a key in the layout of its
    object (EXCHANGE.md order; unknown keys after the known ones, in the order they were written).

    A path is made for every value read (over a million for a large service) and almost none is
    ever reported, so a step holds only its parent, its key and its number: the text and the sort
    key are spelled out when a problem asks for them, not when the path is made.
    """

    __slots__ = ("_parent", "_name", "_number")

    def __init__(self, parent: Path | None = None, name: object = _INDEX, number: int = 0) -> None:
        self._parent = parent  # None for the root, `$`
        self._name = name  # the key, or _INDEX for a list item
        self._number = number  # the key's rank, or the item's index

    def key(self, name: object, rank: int) -> Path:
        return Path(self, name, rank)

    def item(self, index: int) -> Path:
        return Path(self, _INDEX, index)

    @property
    def text(self) -> str:
        if self._parent is None:
            return "$"
        step = f"[{self._number}]" if self._name is _INDEX else _step(str(self._name))
        return self._parent.text + step

    @property
    def order(self) -> tuple[int, ...]:
        return () if self._parent is None else (*self._parent.order, self._number)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Path):
            return NotImplemented
        return (self.text, self.order) == (other.text, other.order)

    def __hash__(self) -> int:
        return hash((self.text, self.order))

    def __repr__(self) -> str:
        return f"Path({self.text!r}, {self.order!r})"

    def __str__(self) -> str:
        return self.text


ROOT = Path()


@dataclass
class Problems:
    """Collects problems while a document is read and checked."""

    _found: list[tuple[tuple[int, ...], int, Problem]] = field(default_factory=list)

    def add(self, at: Path, message: str) -> None:
        self._found.append((at.order, len(self._found), Problem(at.text, message)))

    def __bool__(self) -> bool:
        return bool(self._found)

    def in_document_order(self) -> list[Problem]:
        return [problem for _, _, problem in sorted(self._found, key=lambda found: found[:2])]

    def raise_if_any(self) -> None:
        if self._found:
            raise InvalidDocument(self.in_document_order())


def shown(value: object, limit: int = 40) -> str:
    """A value quoted for a message, cut short so a huge value cannot flood the report."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def described(value: object) -> str:
    """What kind of JSON value this is, for messages such as "must be a string, not a number"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


@lru_cache(maxsize=4096)  # the same few key names, for every record of a document
def _step(name: str) -> str:
    return f".{name}" if _PLAIN_KEY.fullmatch(name) else f"[{json.dumps(name)}]"
