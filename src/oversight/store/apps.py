from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StoreConfig(AppConfig):
    name = "oversight.store"
    label = "store"
    verbose_name = "Store"

    def ready(self) -> None:
        from oversight.store import revisions

        # Every migrate (and every test database) ends with the revision triggers in place on every
        # table the findings read, also on tables that other apps' later migrations add or rebuild.
        post_migrate.connect(revisions.install_after_migrate, dispatch_uid="oversight.store.revisions")
