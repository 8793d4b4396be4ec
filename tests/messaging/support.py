"""Rows of the messaging models for scenes built elsewhere (tests/admin's two projects)."""

from __future__ import annotations

from dozvon.messaging.models import MailSettings
from dozvon.messaging.services import message_send_now, template_save


def mail_scene(project, order, operator, *, now) -> None:
    """The project's mail settings and a template (both audited), and one email of the
    order queued by `operator`; every string carries the project's name."""
    MailSettings.objects.create(
        project=project,
        sender_name=f"{project.name} Shop",
        bank_details=f"{project.name} Bank, account 40702",
    )
    template_save(
        project=project,
        code="bank_details",
        name=f"{project.name} bank details",
        subject=f"{project.name}: order {{{{ order_number }}}}",
        body_text="{{ customer_name }}, {{ total }}\n{{ bank_details }}",
        body_html="<p>{{ customer_name }}</p><p>{{ bank_details|linebreaksbr }}</p>",
        actor=None,
        now=now,
    )
    # the number is marked unreachable: DUN-7 lets a DUN order's email go without the
    # day's calls (nothing reads the mark elsewhere)
    order.refresh_from_db()
    order.extra = {**order.extra, "marks": {**order.extra.get("marks", {}), "unreachable": "x"}}
    order.save(update_fields=["extra"])
    message_send_now(order_id=order.pk, template="bank_details", actor=operator, now=now)
