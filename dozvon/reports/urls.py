from django.urls import path

from dozvon.reports import live, views

app_name = "reports"

urlpatterns = [
    path("p/<slug:slug>/supervisor/live", live.supervisor_live, name="live"),
    path(
        "p/<slug:slug>/reports/<slug:name>.<str:fmt>",
        views.download,
        name="download",
    ),
]
