"""The recipients of a reminder become a model of their own, to carry when each person's digest went out.

The table stays where it is; only its unique key gets a name of ours.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def name_unique_key(apps, schema_editor):
    """Rename the automatic unique key of (reminder_id, user_id) to the name the model declares."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conname FROM pg_constraint
            WHERE conrelid = 'remediation_reminder_recipients'::regclass AND contype = 'u'
            """
        )
        for (name,) in cursor.fetchall():
            if name != "reminderrecipient_once_per_person":
                cursor.execute(
                    f'ALTER TABLE remediation_reminder_recipients RENAME CONSTRAINT "{name}" '
                    "TO reminderrecipient_once_per_person"
                )


class Migration(migrations.Migration):
    dependencies = [
        ("remediation", "0002_reporting_duties"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(name_unique_key, migrations.RunPython.noop)],
            state_operations=[
                migrations.CreateModel(
                    name="ReminderRecipient",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "reminder",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="remediation.reminder",
                                verbose_name="reminder",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "reminder recipient",
                        "verbose_name_plural": "reminder recipients",
                        "db_table": "remediation_reminder_recipients",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("reminder", "user"), name="reminderrecipient_once_per_person"
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="reminder",
                    name="recipients",
                    field=models.ManyToManyField(
                        blank=True,
                        through="remediation.ReminderRecipient",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipients",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="reminderrecipient",
            name="mailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="mailed at"),
        ),
    ]
