"""What the routers share: the error and page schemas, pagination, moments, the caller's identity."""

import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from ninja import Field, Schema
from pydantic import BeforeValidator

from oversight.accounts.permissions import local_now, require_identity
from oversight.accounts.selectors import Identity
from oversight.api.errors import ApiError
from oversight.exchange.values import FIRST_YEAR, LAST_YEAR

MAX_LIMIT = 500


def _iso_date(value: object) -> object:
    """Dates only as written YYYY-MM-DD (pydantic would also take a number of seconds since 1970), in
    the years the exchange accepts (beyond them the rules' date arithmetic would overflow)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
            raise ValueError(f"must be between the years {FIRST_YEAR} and {LAST_YEAR}")
        return value
    if isinstance(value, date):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class ErrorBody(Schema):
    code: str = Field(description="A stable code: bad_request, unauthenticated, forbidden, not_found, conflict, invalid…")
    message: str = Field(description="What went wrong, in a sentence a person can act on")
    details: Any = Field(description="Per field or per problem (with its JSON path or CSV line), when there is more to say")


class Error(Schema):
    error: ErrorBody


# The answers every operation may give besides its own.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 500: Error}


def responses(ok: Any, *extra: int, status: int = 200) -> dict[int, Any]:
    """An operation's documented answers: `ok` on success, and the shared error shape otherwise."""
    out: dict[int, Any] = {status: ok, **ERRORS}
    for code in extra:
        out[code] = Error
    return out


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"How many items (1–{MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=10_000_000, description="How many items to skip")


def page(items: Sequence, paging: Paging) -> dict:
    """One page of `items` with the total count, as every list endpoint answers."""
    return {
        "count": len(items),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": list(items[paging.offset: paging.offset + paging.limit]),
    }


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The page schema for a list of `item` (a named class, so the OpenAPI schema reads well)."""
    return type(name, (Schema,), {
        "__annotations__": {"count": int, "limit": int, "offset": int, "items": list[item]},
        "__doc__": f"A page of {item.__name__}: `count` is the total across all pages.",
    })


def identity(request) -> Identity:
    return require_identity(request)


def parse_moment(text: str | None, identity: Identity, *, name: str) -> datetime:
    """An ISO 8601 moment (local time of the service without an offset; a bare date is the end of
    that local day), or now. Bad input is a 400 naming the parameter."""
    tz = ZoneInfo(identity.service.timezone)
    if text is None or text == "":
        return local_now(identity)[0]
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(23, 59, 59, 999000), tzinfo=tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(
            400, f"{name} {text!r} is not an ISO 8601 date or moment (for example 2026-02-18T12:00)",
            {name: "not an ISO 8601 date or moment"},
        ) from None
    if moment.year < 1900 or moment.year > 2999:
        raise ApiError(400, f"{name} must be between the years 1900 and 2999", {name: "out of range"})
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
