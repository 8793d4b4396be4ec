from django.urls import path

from dozvon.reports import views
from dozvon.web import supervisor

app_name = "reports"

urlpatterns = [
    path("p/<slug:slug>/supervisor/live", supervisor.supervisor_live, name="live"),
    path(
        "p/<slug:slug>/reports/<slug:name>.<str:fmt>",
        views.download,
        name="download",
    ),
]
