"""Issue 26: the timeline (X-6), moved here from `orders`. The state only: the table
`orders_timelineentry` (db_table), its rows, indexes and triggers stay as they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('interactions', '0001_initial'),
        ('orders', '0010_timeline_moves_to_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TimelineEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('comment', 'Comment'), ('call', 'Call'), ('status', 'Status'), ('message', 'Message'), ('auto', 'Automatic action'), ('edit', 'Edit')], max_length=16, verbose_name='kind')),
                        ('at', models.DateTimeField(verbose_name='at')),
                        ('text', models.TextField(blank=True, default='', verbose_name='text')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='data')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                        ('interaction', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='timeline', to='interactions.interaction', verbose_name='interaction')),
                        ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='timeline', to='orders.order')),
                    ],
                    options={
                        'verbose_name': 'timeline entry',
                        'verbose_name_plural': 'timeline',
                        'db_table': 'orders_timelineentry',
                        'ordering': ['id'],
                        'indexes': [models.Index(fields=['order', 'id'], name='timeline_order'), models.Index(fields=['interaction', 'id'], name='timeline_interaction')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('interaction__isnull', True), ('order__isnull', False)), models.Q(('interaction__isnull', False), ('order__isnull', True)), _connector='OR'), name='timelineentry_one_subject')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
