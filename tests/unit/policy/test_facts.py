"""The facts the store makes in bulk are set up quickly (facts._set_slots_directly) and are still
the frozen dataclasses they were: the same parameters, defaults and values, never changed."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, MISSING, fields, make_dataclass, replace

import pytest

from oversight.policy.facts import BUILT_IN_BULK


def _as_the_dataclass_makes_it(cls):
    """The same fields made into a frozen dataclass with the dataclass's own __init__."""
    return make_dataclass(
        cls.__name__,
        [(f.name, f.type) if f.default is MISSING else (f.name, f.type, f.default) for f in fields(cls)],
        frozen=True, slots=True,
    )


@pytest.mark.parametrize("cls", BUILT_IN_BULK, ids=lambda c: c.__name__)
def test_a_fact_built_quickly_holds_what_the_dataclass_would(cls):
    reference = _as_the_dataclass_makes_it(cls)
    values = [f"value {i}" for i, _ in enumerate(fields(cls))]
    required = [v for v, f in zip(values, fields(cls), strict=True) if f.default is MISSING]
    for args, kwargs in (
        (values, {}),  # every field given, in order
        (required, {}),  # the defaults
        ([], {f.name: v for f, v in zip(fields(cls), values, strict=True)}),  # by name
    ):
        fact, expected = cls(*args, **kwargs), reference(*args, **kwargs)
        assert [getattr(fact, f.name) for f in fields(cls)] == [getattr(expected, f.name)
                                                                for f in fields(reference)]
    fact = cls(*values)
    assert fact == cls(*values) and hash(fact) == hash(cls(*values)) and fact != cls(*values[:-1], "other")
    assert pickle.loads(pickle.dumps(fact)) == fact
    assert replace(fact, **{fields(cls)[0].name: "changed"}) == cls("changed", *values[1:])
    with pytest.raises(FrozenInstanceError):
        setattr(fact, fields(cls)[0].name, "changed")
    with pytest.raises(TypeError):
        cls(*values, "one too many")
    with pytest.raises(TypeError):
        cls(**{f.name: v for f, v in zip(fields(cls), values, strict=True)}, unknown=1)
    if required:
        with pytest.raises(TypeError):
            cls(*required[:-1])
