"""For how long findings stay true: the span of as-of moments that give exactly the same findings.

Findings are a function of the facts and the as-of moment alone (the rules read no clock). The
moment enters the rules in two ways only: through the service's local day (`Judgement.today`, the
facts known that day), and through comparisons with other moments (a record's deadline, a session
held, a leave sheet submitted ...). So the rules are run on a *watched* moment: it notes every
moment it is compared with, and refuses to be used in any other way (arithmetic, formatting,
its fields, hashing ...), which makes the span empty rather than guess. Every as-of moment in the
span [valid_from, valid_until) lies on the same local day and on the same side of every moment
compared with, so every comparison, and therefore every finding, comes out the same.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

_TICK = timedelta(microseconds=1)  # datetimes are exact to the microsecond
_PLAIN = object.__getattribute__
# What the watched moment may be asked without making the span empty: its time zone, and the same
# moment in another time zone (still watched).
_SAFE = frozenset({"tzinfo", "astimezone", "date"})


class Tainted(Exception):
    pass


class _Watch:
    __slots__ = ("at", "low", "high", "tainted")

    def __init__(self, at: datetime, low: datetime, high: datetime):
        self.at, self.low, self.high, self.tainted = at, low, high, False

    def compared(self, other) -> None:
        if other.__class__ is not datetime:
            if not isinstance(other, datetime):
                return  # a comparison with a non-moment answers the same for every as-of moment
            if isinstance(other, Watched):
                self.tainted = True
                return
        try:
            later = other > self.at
        except TypeError:
            return  # naive: never equal to an aware moment, and not ordered with one
        if later:
            self.high = min(self.high, other)
        elif other == self.at:  # `at >= other` holds from here on, `at > other` only after
            self.low = max(self.low, self.at)
            self.high = min(self.high, self.at + _TICK)
        else:
            self.low = max(self.low, other + _TICK)


class Watched(datetime):
    """The as-of moment, watched (see the module's text)."""

    _watch: _Watch
    _value: datetime

    @classmethod
    def of(cls, moment: datetime, watch: _Watch) -> Watched:
        field = lambda name: _PLAIN(moment, name)  # noqa: E731 - past __getattribute__, unwatched
        w = cls(field("year"), field("month"), field("day"), field("hour"), field("minute"), field("second"),
                field("microsecond"), tzinfo=field("tzinfo"), fold=field("fold"))
        w._watch = watch
        w._value = datetime(field("year"), field("month"), field("day"), field("hour"), field("minute"),
                            field("second"), field("microsecond"), tzinfo=field("tzinfo"), fold=field("fold"))
        return w

    def _plain(self) -> datetime:
        return _PLAIN(self, "_value")

    def __getattribute__(self, name):
        if name not in _SAFE and not name.startswith("_"):
            _PLAIN(self, "_watch").tainted = True
        return _PLAIN(self, name)

    def _taint(self):
        _PLAIN(self, "_watch").tainted = True

    def astimezone(self, tz=None):
        return Watched.of(self._plain().astimezone(tz), self._watch)

    def date(self):
        # The day in this moment's own time zone: the same over the span only within that day.
        plain = self._plain()
        day = plain.date()
        if plain.tzinfo is None:
            self._taint()
            return day
        self._watch.compared(datetime.combine(day, time(0), tzinfo=plain.tzinfo))
        self._watch.compared(datetime.combine(day + timedelta(days=1), time(0), tzinfo=plain.tzinfo))
        return day

    # anything else makes the span empty
    def __hash__(self):
        self._taint()
        return datetime.__hash__(self)

    def __add__(self, other):
        self._taint()
        return self._plain() + other

    __radd__ = __add__

    def __sub__(self, other):
        self._taint()
        return self._plain() - other

    def __rsub__(self, other):
        self._taint()
        return other - self._plain()

    def __format__(self, spec):
        self._taint()
        return format(self._plain(), spec)

    def __str__(self):
        self._taint()
        return str(self._plain())

    def __repr__(self):
        self._taint()
        return repr(self._plain())

    def __reduce_ex__(self, protocol):
        self._taint()
        return self._plain().__reduce_ex__(protocol)

    def __reduce__(self):
        self._taint()
        return self._plain().__reduce__()


def _comparison(name: str):
    plain = getattr(datetime, name)

    def compare(self, other):  # noted, then answered as for the plain moment
        _PLAIN(self, "_watch").compared(other)
        return plain(_PLAIN(self, "_value"), other)

    compare.__name__ = name
    return compare


for _name in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
    setattr(Watched, _name, _comparison(_name))


def watch(as_of: datetime, day_start: datetime, day_end: datetime) -> Watched:
    """`as_of` watched; the span starts as its local day [day_start, day_end)."""
    return Watched.of(as_of, _Watch(as_of, day_start, day_end))


def span(watched: Watched, results) -> tuple[datetime, datetime] | None:
    """[valid_from, valid_until) of what was computed on `watched`, or None when it was used in a
    way that is not watched (or ended up in the results themselves)."""
    w = _PLAIN(watched, "_watch")
    if w.tainted or any(isinstance(value, Watched) for r in results for value in _fields(r)):
        return None
    return (w.low, w.high) if w.low <= w.at < w.high else None


def _fields(result):
    slots = getattr(type(result), "__slots__", ())
    return [getattr(result, name) for name in slots] if slots else list(vars(result).values())
