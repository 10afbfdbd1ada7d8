from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "oversight.imports"
    label = "imports"
    verbose_name = "Imports"
