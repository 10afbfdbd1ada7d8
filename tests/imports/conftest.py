from tests.api.conftest import account, fast_passwords, service, session_for, small_document, token_for  # noqa: F401
