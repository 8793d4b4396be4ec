"""DUN-3: the worklist of the current filter as XLSX or CSV — every order the screen's
filter finds (not one page), newest first, with what a reader needs to work it: the week of
work and the bonus tier (DUN-1/2), the units and bonus units, when it is due, the contacts
so far (DUN-8) and the latest comment. Written by the one writer every export uses
(`core/tabular.py`): no user-entered text is ever run as a formula, CSV as Russian Excel
reads it. For the operators of a DUN project, as the worklist itself."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dozvon.core import clock, tabular
from dozvon.core.http_errors import domain_errors
from dozvon.core.phones import format_phone
from dozvon.core.tabular import DATETIME, MONEY, NUMBER, PERCENT, TEXT, Column
from dozvon.dunning import selectors as sel
from dozvon.dunning.views import worklist_filter
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import WORK, ensure_can
from dozvon.projects.http import project_or_404

CHUNK = 500


def worklist_columns() -> list[Column]:
    return [
        Column(_("Number"), NUMBER, 10),
        Column(_("Created"), DATETIME, 17),
        Column(_("Customer"), TEXT, 32),
        Column(_("Phone"), TEXT, 18),
        Column(_("Email"), TEXT, 26),
        Column(_("Status"), TEXT, 18),
        Column(_("Total"), MONEY, 12),
        Column(_("Currency"), TEXT, 8),
        Column(_("Entered the worklist"), DATETIME, 17),
        Column(_("Week"), NUMBER, 8),
        Column(_("Bonus"), PERCENT, 9),
        Column(_("Units"), NUMBER, 8),
        Column(_("Bonus units"), NUMBER, 10),
        Column(_("Due"), DATETIME, 17),
        Column(_("Calls"), NUMBER, 8),
        Column(_("Latest comment"), TEXT, 40),
    ]


def worklist_rows(project, f: sel.WorklistFilter, *, now) -> Iterator[list]:
    """Every order of the filter, newest first, read in chunks with their entry runs and
    units (a fixed number of statements per chunk)."""
    pb = playbook_def(project.playbook)
    lang = get_language()
    tz = project.time_zone
    orders = sel.worklist_orders(project, f, now=now).select_related("customer")
    found = orders.iterator(chunk_size=CHUNK)
    while chunk := list(islice(found, CHUNK)):
        ids = [o.pk for o in chunk]
        entered, units = sel._entered(ids), sel._units(ids)
        for order in chunk:
            count = units.get(order.pk, 0)
            bonus = sel.bonus_of(pb, entered.get(order.pk), count, now, tz)
            status = pb.statuses.get(order.status)
            yield [
                order.pk,
                order.created_at,
                order.customer_name,
                format_phone(order.phone),
                order.customer.email if order.customer else "",
                status.names.get(lang) if status else order.status,
                order.total,
                order.currency,
                bonus.entered_at,
                bonus.week,
                bonus.percent / 100 if bonus.percent is not None else None,
                count,
                bonus.units,
                order.due_at,
                order.calls_total,
                order.last_comment,
            ]


@login_required
@domain_errors
def worklist_export(request, slug, fmt):
    """DUN-3: the worklist's filter (the same GET parameters as the screen) as a file."""
    project = project_or_404(request, slug)
    ensure_can(request.user, project, WORK)
    pb = playbook_def(project.playbook)
    if not sel.is_dunning(pb) or fmt not in tabular.CONTENT_TYPES:
        raise Http404
    now = clock.now()
    f = worklist_filter(request.GET, pb)
    stamp = f"{now.astimezone(ZoneInfo(project.time_zone)):%Y-%m-%d_%H%M}"
    return tabular.file_response(
        fmt,
        worklist_columns(),
        worklist_rows(project, f, now=now),
        filename=f"{project.slug}-worklist-{stamp}.{fmt}",
        title=_("Worklist"),
        tz=project.time_zone,
    )
