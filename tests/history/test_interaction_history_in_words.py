"""X-6 for inbound work (SUB, NBO): a corrected interaction's history line names the field
and the transfer in words ("Переведён: — → В IVR"), in the API's timeline too."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation

from dozvon.history.models import TimelineEntry
from dozvon.httpkit.api_serializers import timeline_out
from dozvon.interactions.models import Transfer
from dozvon.interactions.services import interaction_finish, interaction_start
from tests.interactions.conftest import KNOWN


def test_a_corrected_transfer_reads_by_its_name_x_6(cod, now):
    # given a recorded interaction, not transferred
    interaction = interaction_start(
        project=cod.project, actor=cod.operator, phone=KNOWN, line="first", now=now
    )
    first = interaction_finish(
        interaction_id=interaction.pk,
        actor=cod.operator,
        subject="Тема",
        comment="Комментарий",
        version=1,
        now=now,
    )
    # when its transfer is corrected to the IVR
    interaction_finish(
        interaction_id=interaction.pk,
        actor=cod.operator,
        subject="Тема",
        comment="Комментарий",
        transferred_to="ivr",
        version=first.version,
        now=now + timedelta(minutes=1),
    )
    # then the API's timeline says it in words, not "transferred_to: ∅ → ivr"
    edit = TimelineEntry.objects.get(interaction=interaction, kind="edit")
    with translation.override("ru"):
        text = timeline_out(edit, cod.project.time_zone)["text"]
        ivr = str(Transfer.IVR.label)
    assert text == f"Переведён: — → {ivr}"
    assert "ivr" not in text and "transferred_to" not in text and "∅" not in text
