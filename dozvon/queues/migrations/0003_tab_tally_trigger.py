"""COD-1…6 live counts: the tab tally kept by a trigger on PostgreSQL (see TabTally), with
the existing orders counted in. SQLite counts the orders directly and needs nothing."""

from django.db import migrations

from dozvon.queues import tally


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(tally.TRIGGER_FUNCTION)
        schema_editor.execute(tally.TRIGGER)
        schema_editor.execute(tally.REBUILD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(tally.DROP)


class Migration(migrations.Migration):
    dependencies = [("queues", "0002_tab_tally"), ("orders", "0004_order_name_key")]

    operations = [migrations.RunPython(forwards, backwards)]
