"""X-4 order search by name (`q`): on PostgreSQL a trigram index serves the substring
match on `name_key`, so a name search does not read the whole project's orders. Where the
pg_trgm extension cannot be created (no privilege), search still works, unindexed."""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        log.warning("pg_trgm unavailable, name search stays unindexed: %s", exc)
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS order_name_trgm ON orders_order "
        "USING gin (name_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS order_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_order_name_key")]

    operations = [migrations.RunPython(forwards, backwards)]
