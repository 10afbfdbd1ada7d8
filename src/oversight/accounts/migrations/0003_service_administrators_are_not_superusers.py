"""Service administrators let into the Django admin were made superusers, which showed them every
service's rows. They become staff only: the admin then shows them their own service
(accounts/admin_scope.py). Superusers with no service account (the operator's) are left as they are.
"""

from django.conf import settings
from django.db import migrations


def demote(apps, schema_editor):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    User = apps.get_model(app_label, model_name)
    User.objects.filter(is_superuser=True, account__isnull=False).update(is_superuser=False, is_staff=True)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_sign_in_state"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Going back does not make anyone a superuser again: the operator grants that by hand if wanted.
    operations = [migrations.RunPython(demote, migrations.RunPython.noop)]
