"""Background tasks of reports (run by `oversight worker`)."""

from django.tasks import task


@task()
def produce_stat_wednesday(service_ref: str, day: str) -> int:
    """Produce (once) the Stat Wednesday report of a service for a day; returns its number of lines."""
    from datetime import date

    from oversight.people.models import Service
    from oversight.reports.services import stat_wednesday_produce

    service = Service.objects.get(ref=service_ref)
    report, _ = stat_wednesday_produce(service=service, day=date.fromisoformat(day), actor="oversight worker")
    return report.lines.count()
