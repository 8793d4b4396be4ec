"""Issue 25: a subscriptions file is read once, at upload — its rows and preview are kept
on `SubscriptionImport`, and a commit has a state and a progress (done of total rows).

Files uploaded before this migration: an imported one is `done`; one not imported yet has
no rows read, so its preview asks for the file again (its bytes go in 0004)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

UPLOAD_AGAIN = ["X-10", "file", "This file was read by an earlier version; upload it again.", []]


def states_of_earlier_files(apps, schema_editor):
    SubscriptionImport = apps.get_model("subscriptions", "SubscriptionImport")
    for upload in SubscriptionImport.objects.all().only("pk", "committed_at", "result"):
        if upload.committed_at is not None:
            rows = sum(int(n) for n in (upload.result or {}).values())
            SubscriptionImport.objects.filter(pk=upload.pk).update(
                state="done", total=rows, done=rows, progress_at=upload.committed_at
            )
        else:
            SubscriptionImport.objects.filter(pk=upload.pk).update(
                preview={"problems": [UPLOAD_AGAIN], "total": 0, "refused": 0, "rows": []}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0002_promo_codes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriptionimport",
            name="rows",
            field=models.JSONField(blank=True, default=list, verbose_name="rows read"),
        ),
        migrations.AddField(
            model_name="subscriptionimport",
            name="preview",
            field=models.JSONField(blank=True, default=dict, verbose_name="preview"),
        ),
        migrations.AddField(
            model_name="subscriptionimport",
            name="state",
            field=models.CharField(
                choices=[
                    ("checked", "Checked, not imported"),
                    ("queued", "Queued"),
                    ("running", "Importing"),
                    ("done", "Imported"),
                    ("failed", "Stopped"),
                ],
                default="checked",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.AddField(
            model_name="subscriptionimport",
            name="total",
            field=models.PositiveIntegerField(default=0, verbose_name="rows"),
        ),
        migrations.AddField(
            model_name="subscriptionimport",
            name="done",
            field=models.PositiveIntegerField(default=0, verbose_name="rows imported"),
        ),
        migrations.AddField(
            model_name="subscriptionimport",
            name="committed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="imported by",
            ),
        ),
        migrations.AddField(
            model_name="subscriptionimport",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="import started at"),
        ),
        migrations.AddField(
            model_name="subscriptionimport",
            name="progress_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last progress at"),
        ),
        migrations.AddField(
            model_name="subscriptionimport",
            name="failure",
            field=models.JSONField(blank=True, default=list, verbose_name="stopped because"),
        ),
        migrations.RunPython(states_of_earlier_files, migrations.RunPython.noop),
    ]
