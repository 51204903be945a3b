# The Reminder model moves to the notifications app. Its table stays where it is
# (notifications.Reminder keeps db_table "reconciliation_reminder"): only Django's picture of
# the models changes here, no row and no table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reconciliation', '0006_reminder_claimed_until'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Reminder')],
            database_operations=[],
        ),
    ]
