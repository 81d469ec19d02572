"""RecoveryCode now belongs to the accounts app (see accounts/migrations/0001_initial.py, which
took its table over and renamed it): only the model's state leaves this app, no row is lost."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_complaint_export"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RecoveryCode")],
            database_operations=[],
        ),
    ]
