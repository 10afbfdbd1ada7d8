from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "oversight.people"
    label = "people"
