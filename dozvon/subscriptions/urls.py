from django.urls import path

from dozvon.subscriptions import export, views

app_name = "subscriptions"

urlpatterns = [
    path("p/<slug:slug>/subscriptions", views.subscription_list, name="list"),
    path("p/<slug:slug>/subscriptions/import", views.import_start, name="import"),
    path(
        "p/<slug:slug>/subscriptions/import/<int:import_id>",
        views.import_preview_view,
        name="import_preview",
    ),
    path(
        "p/<slug:slug>/subscriptions/import/<int:import_id>/progress",
        views.import_progress_view,
        name="import_progress",
    ),
    path(
        "p/<slug:slug>/subscriptions/import/<int:import_id>/commit",
        views.import_commit_view,
        name="import_commit",
    ),
    path("p/<slug:slug>/subscriptions/inform", views.inform_start, name="inform"),
    path(
        "p/<slug:slug>/subscriptions/inform/progress",
        views.inform_progress_view,
        name="inform_progress",
    ),
    path(
        "p/<slug:slug>/subscriptions/registry.xlsx",
        export.registry_export,
        {"fmt": "xlsx"},
        name="registry",
    ),
    path(
        "p/<slug:slug>/subscriptions/registry.csv",
        export.registry_export,
        {"fmt": "csv"},
        name="registry_csv",
    ),
    path("p/<slug:slug>/escalations", views.escalation_list, name="escalations"),
    path(
        "p/<slug:slug>/escalations/<int:escalation_id>/decide",
        views.escalation_decide_view,
        name="escalation_decide",
    ),
    path(
        "p/<slug:slug>/escalations/<int:escalation_id>/notify",
        views.escalation_notify_view,
        name="escalation_notify",
    ),
    path("p/<slug:slug>/promo-codes", views.promo_codes, name="promo_codes"),
    path(
        "p/<slug:slug>/promo-codes/<int:promo_id>/end",
        views.promo_code_end,
        name="promo_code_end",
    ),
    path("orders/<int:order_id>/promo", views.promo_card_apply, name="promo_card_apply"),
]
