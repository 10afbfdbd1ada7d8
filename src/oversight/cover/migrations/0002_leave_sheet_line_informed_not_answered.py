"""A leave sheet line's "young person informed" can be not answered yet (null).

Lines saved before this change keep their stored answer: a draft saved with the question unanswered
was stored as "No", and nothing in the row tells it apart from a real "No", so it is not guessed at
(docs/interpretations.md). Submitted sheets were always answered.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cover', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalleavesheetline',
            name='young_person_informed',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='leavesheetline',
            name='young_person_informed',
            field=models.BooleanField(blank=True, null=True),
        ),
    ]
