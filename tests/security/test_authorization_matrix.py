"""The authorization matrix, generated from the URL configuration (issue 3 points 1 and 6).

Every URL pattern (pages, the JSON API's django-ninja paths, the Django admin) must carry a decided page
policy and rows in tests/security/matrix.py saying, for each of the eight roles, whether it is allowed.
Each pattern is requested as every role on the fixture service; "not allowed" means 401/403/404 or a
redirect to a sign-in page, and, for a POST or PUT, no change to any row of the database. The last test
is the gate: it exercises any pattern the parametrised tests did not (one added at run time, or
deselected) and fails unless every pattern of the URL configuration was exercised.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.db import transaction
from django.urls import resolve

from oversight.accounts.permissions import PAGE_POLICIES
from tests.security.matrix import (
    ROLES,
    SHADOWED,
    Pattern,
    data_fingerprint,
    fill,
    refused,
    rows_for,
    send,
    url_of,
    url_patterns,
)

PATTERNS = url_patterns()
DECIDED = set(PAGE_POLICIES) | {"django_admin"}
EXERCISED: set[str] = set()


def exercise(world, pattern: Pattern) -> list[str]:
    """Request the pattern as every role; the problems found (empty when the matrix holds)."""
    if pattern.policy not in DECIDED:
        return [f"{pattern.key} ({pattern.route}): no decided page policy (found {pattern.policy!r}); "
                "decorate the view with @page_policy(...) (oversight.accounts.permissions)"]
    if pattern.key in SHADOWED:
        # Unreachable: the earlier pattern with the same route answers, and is in the matrix itself.
        shadow = next(p for p in PATTERNS if p.key == SHADOWED[pattern.key])
        reached = resolve(fill(pattern.route, {})).route
        if reached != shadow.route.replace("^", "") or shadow.route != pattern.route:
            return [f"{pattern.key}: listed as shadowed by {shadow.key}, but it is not"]
        EXERCISED.add(pattern.key)
        return []
    rows = rows_for(pattern)
    if not rows:
        return [f"{pattern.key} ({pattern.route}, policy {pattern.policy!r}): not in the authorization "
                "matrix; add its rows to tests/security/matrix.py"]
    problems = []
    for row in rows:
        url = url_of(world, pattern, row)
        match = resolve(urlparse(url).path)
        wrong_method = pattern.methods and row.method not in pattern.methods
        if match.route != pattern.route.replace("^", "") or wrong_method:
            problems.append(f"{pattern.key}: {row.method} {url} reaches {match.view_name} ({match.route}), "
                            "not this pattern")
            continue
        unsafe = row.method not in ("GET", "HEAD")
        for role in ROLES:
            with transaction.atomic():
                before = data_fingerprint() if unsafe else None
                response = send(world.client(role), row, url)
                changed = unsafe and data_fingerprint() != before
                transaction.set_rollback(True)
            got = "refused" if refused(response, row.refusal) else "allowed"
            expected = "allowed" if role in row.allowed else "refused"
            where = f"{pattern.key}: {row.method} {url} as {role}"
            if response.status_code == 405:
                problems.append(f"{where}: 405, the matrix uses a method the view does not take")
            elif response.status_code >= 500:
                problems.append(f"{where}: server error {response.status_code}")
            elif got != expected:
                problems.append(f"{where}: {got} ({response.status_code} "
                                f"{response.get('Location', '')}), expected {expected}")
            elif expected == "refused" and changed:
                problems.append(f"{where}: refused ({response.status_code}) but the database changed")
    EXERCISED.add(pattern.key)
    return problems


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_every_role_gets_exactly_what_the_matrix_allows(pattern, within):
    problems = exercise(within, pattern)
    assert not problems, "\n".join(problems)


def test_zz_every_url_pattern_was_exercised(within):
    """The gate (named to run after the matrix in this module's order): every pattern of the URL
    configuration as it is now, exercised by the tests above or here."""
    now = url_patterns()
    problems = []
    for pattern in now:
        if pattern.key not in EXERCISED:
            problems += exercise(within, pattern)
    never = sorted({p.key for p in now} - EXERCISED)
    assert not never and not problems, "\n".join(problems + [f"never exercised: {key}" for key in never])


def test_the_matrix_has_no_rows_for_patterns_that_are_gone():
    keys = {p.key for p in PATTERNS}
    from tests.security.matrix import ROWS

    assert sorted(set(ROWS) - keys) == []
