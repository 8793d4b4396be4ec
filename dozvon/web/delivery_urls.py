from django.urls import path

from dozvon.web import delivery as views

app_name = "delivery"

urlpatterns = [
    path(
        "orders/<int:order_id>/delivery-options",
        views.delivery_options,
        name="order_options",
    ),
    path("p/<slug:slug>/delivery", views.delivery_list, name="list"),
]
