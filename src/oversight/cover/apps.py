from django.apps import AppConfig


class CoverConfig(AppConfig):
    name = "oversight.cover"
    label = "cover"
