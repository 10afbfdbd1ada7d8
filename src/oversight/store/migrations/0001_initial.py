from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from oversight.store import revisions

    models_ = [m for label in revisions.DOMAIN_APPS for m in apps.get_app_config(label).get_models()]
    revisions.install(models_, schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from oversight.store import revisions

    models_ = [m for label in revisions.DOMAIN_APPS for m in apps.get_app_config(label).get_models()]
    revisions.uninstall(models_, schema_editor.connection)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("people", "0001_initial"),
        ("cover", "0001_initial"),
        ("supervision", "0002_record_notes_and_amendments"),
    ]

    operations = [
        migrations.CreateModel(
            name="ServiceRevision",
            fields=[
                ("service_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("revision", models.BigIntegerField()),
            ],
            options={"db_table": "store_servicerevision"},
        ),
        # The triggers, on the tables as they are now; post_migrate re-installs them after every
        # migrate, so that tables added or rebuilt by later migrations are watched too.
        migrations.RunPython(install_triggers, drop_triggers),
    ]
