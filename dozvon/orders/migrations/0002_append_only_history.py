"""X-6 / X-12: the order timeline and the audit log are append-only in the database too.

UPDATE is refused on both databases. DELETE is refused on PostgreSQL (test flushes there
use TRUNCATE, which these triggers do not see); SQLite flushes with DELETE, so there the
model layer alone refuses deletes.
"""

from django.db import migrations

TABLES = ("orders_timelineentry", "audit_auditentry")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION dozvon_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'table ' || TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION dozvon_append_only()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial"), ("audit", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
