from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "oversight.messages"
    # Not "messages": that label is django.contrib.messages'.
    label = "oversight_messages"
    verbose_name = "Messages and reminders"
