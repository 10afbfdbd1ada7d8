from tests.reports.fixtures import clock, performance_client, service, sign_in  # noqa: F401
