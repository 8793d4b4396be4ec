"""COD-1…6 live counts: the tally trigger takes away with an upsert of -1 instead of an
UPDATE, so old days' rows can be folded together (tally.COMPACT) without losing a count;
the existing rows are folded at once."""

from django.db import migrations
from django.utils import timezone

from dozvon.queues import tally


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(tally.TRIGGER_FUNCTION)
        schema_editor.execute(tally.COMPACT, {"now": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [("queues", "0004_tab_tally_time_zone")]

    # backwards: nothing to undo, the upsert counts correctly on any row layout
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
