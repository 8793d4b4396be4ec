"""X-11 report summaries kept by triggers on PostgreSQL (see reports/tally.py), with the
existing rows counted in. SQLite reads the raw rows and needs nothing."""

from django.db import migrations

from dozvon.reports import tally


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in tally.INSTALL:
            schema_editor.execute(statement)
        schema_editor.execute("SELECT dozvon_report_rebuild(id) FROM projects_project")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(tally.DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("calls", "0004_call_line"),
        ("orders", "0006_timeline_interaction"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
