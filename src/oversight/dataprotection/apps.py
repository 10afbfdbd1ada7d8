from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "oversight.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"
