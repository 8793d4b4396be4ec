from django.urls import path

from dozvon.offers import views

app_name = "offers"

urlpatterns = [
    path("p/<slug:slug>/offers/", views.campaigns, name="campaigns"),
    path("p/<slug:slug>/offers/load", views.load, name="load"),
    path("p/<slug:slug>/offers/kpi", views.kpi, name="kpi"),
    path("p/<slug:slug>/offers/excluded", views.excluded, name="excluded"),
    path("p/<slug:slug>/offers/excluded/send", views.excluded_send, name="excluded_send"),
    path("p/<slug:slug>/offers/archive", views.archive, name="archive"),
    path("p/<slug:slug>/offers/archive/yes", views.archive_yes, name="archive_yes"),
    path(
        "p/<slug:slug>/offers/interactions/<int:interaction_id>",
        views.interaction,
        name="interaction",
    ),
    path(
        "p/<slug:slug>/offers/interactions/<int:interaction_id>/adjustments",
        views.adjustment_add,
        name="adjustment_add",
    ),
]
