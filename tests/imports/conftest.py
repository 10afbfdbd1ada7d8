from tests.api.conftest import (  # noqa: F401
    account,
    fast_passwords,
    record_written_in_oversight,
    service,
    session_for,
    small_document,
    token_for,
)
