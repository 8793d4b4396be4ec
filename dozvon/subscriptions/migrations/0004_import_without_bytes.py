"""Issue 25: an uploaded subscriptions file is read once (0003); its bytes are not kept.
(Given a default first, so that going back to 0003 on a database with files works.)"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0003_import_read_once")]

    operations = [
        migrations.AlterField(
            model_name="subscriptionimport",
            name="content",
            field=models.BinaryField(default=b"", verbose_name="content"),
        ),
        migrations.RemoveField(model_name="subscriptionimport", name="content"),
    ]
