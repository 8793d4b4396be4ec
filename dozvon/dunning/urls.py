from django.urls import path

from dozvon.dunning import cleanup, export, views

app_name = "dunning"

urlpatterns = [
    path("p/<slug:slug>/worklist", views.worklist, name="worklist"),
    path("p/<slug:slug>/worklist.<str:fmt>", export.worklist_export, name="worklist_export"),
    path("p/<slug:slug>/worklist/clean-up", cleanup.clean_up, name="clean_up"),
    path("p/<slug:slug>/worklist/nightly-clean-up", cleanup.nightly_switch, name="nightly_switch"),
    path("orders/<int:order_id>/dun/send", views.order_send, name="order_send"),
    path(
        "orders/<int:order_id>/dun/confirm-payment",
        views.order_confirm_payment,
        name="confirm_payment",
    ),
]
