"""X-11 report files from the supervisor's screen: the same rows as the API's, as XLSX or
CSV, for a signed-in supervisor (the API takes bearer tokens only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from dozvon.core import clock
from dozvon.core.http_errors import domain_errors
from dozvon.projects.access import SUPERVISE, ensure_can
from dozvon.projects.http import project_or_404
from dozvon.reports import exports, rules
from dozvon.reports.registry import report_for, run


@login_required
@domain_errors
def download(request, slug, name, fmt):
    project = project_or_404(request, slug)
    ensure_can(request.user, project, SUPERVISE)
    report = report_for(project, name)
    if report is None or fmt not in exports.FORMATS:
        raise Http404
    span, group_by, found = rules.check_range(
        request.GET.get("from"),
        request.GET.get("to"),
        today=clock.local_date(clock.now(), project.time_zone),
        group_by=request.GET.get("group_by"),
        group_bys=report.group_bys,
        default_group_by=report.default_group_by,
    )
    if found:  # the screen says what is wrong, next to the field
        return redirect(f"{reverse('web:supervisor', args=[slug])}?{request.GET.urlencode()}")
    result = run(project, report, span.start, span.end, group_by)
    return exports.file_response(project, result, fmt)
