"""Background tasks of messages (Django's tasks framework; the database backend's worker runs them:
`oversight worker`)."""

from django.tasks import task


@task()
def deliver_message(message_id: int) -> str:
    from oversight.messages.services import message_deliver

    return message_deliver(message_id=message_id)
