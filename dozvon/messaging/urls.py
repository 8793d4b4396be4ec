from django.urls import path

from dozvon.messaging import views

app_name = "messaging"

urlpatterns = [
    path("p/<slug:slug>/outbox", views.outbox, name="outbox"),
    path("messages/<int:message_id>/", views.message, name="message"),
    path("messages/<int:message_id>/retry", views.retry, name="retry"),
    path(
        "webhooks/deliveries/<int:delivery_id>/retry",
        views.webhook_retry,
        name="webhook_retry",
    ),
]
