"""Pausing Python's cyclic garbage collector around work that makes millions of lasting objects.

The collector runs whenever enough objects have been made since its last run, and every so often
it walks every live object. Reading a large service's document (`exchange.parse_document`) and
writing it with COPY (`store.bulk`) make millions of objects that stay alive (rows as read, facts,
rows to copy) next to the millions of the decoded document, and none of them refer to each other
in a cycle: for a 500-case service the collector found nothing to free there and took half the
time of the parse and a third of the client's time of the bulk write (docs/performance.md).

Pure Python, no Django import: the exchange package uses it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, and turn it back on afterwards if it was on.

    Memory is still freed as usual by reference counting; only garbage in cycles (of any thread:
    the switch is the process's) waits until the collector runs again. Nested and concurrent uses
    are safe: whoever turned it off turns it back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
