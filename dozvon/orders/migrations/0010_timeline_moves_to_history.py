"""Issue 26: the timeline (X-6) moved to the neutral `history` app. The state only: the
table `orders_timelineentry`, its rows, indexes and triggers stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0009_alter_order_claimed_at_alter_order_claimed_by_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TimelineEntry")],
            database_operations=[],
        ),
    ]
