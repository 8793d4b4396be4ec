"""COD-1…6 live counts: when a project's time zone changes, its orders' local arrival days
move, so a trigger on projects_project recounts that project's tally (PostgreSQL only)."""

from django.db import migrations

from dozvon.queues import tally


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(tally.PROJECT_TRIGGER_FUNCTION)
        schema_editor.execute(tally.PROJECT_TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(tally.PROJECT_DROP)


class Migration(migrations.Migration):
    dependencies = [("queues", "0003_tab_tally_trigger"), ("projects", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
