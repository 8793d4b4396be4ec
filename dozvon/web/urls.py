from django.contrib.auth import views as auth_views
from django.urls import path

from dozvon.accounts.forms import LoginForm
from dozvon.web import calling, card, exports, inbound, supervisor, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("p/<slug:slug>/", views.workspace, name="workspace"),
    path("p/<slug:slug>/queues", views.queue_bar, name="queue_bar"),
    path("p/<slug:slug>/queues/<str:code>/next", views.take_next, name="take_next"),
    path("p/<slug:slug>/supervisor", supervisor.supervisor, name="supervisor"),
    path("p/<slug:slug>/inbound", inbound.inbound, name="inbound"),
    path("p/<slug:slug>/inbound/record", inbound.inbound_record, name="inbound_record"),
    path("p/<slug:slug>/orders.<str:fmt>", exports.orders_export, name="orders_export"),
    path("orders/<int:order_id>/", card.order_card, name="order"),
    path("orders/<int:order_id>/call", calling.order_call, name="order_call"),
    path("orders/<int:order_id>/no-answer", calling.order_no_answer_view, name="order_no_answer"),
    path("orders/<int:order_id>/items", card.order_add_item, name="order_add_item"),
    path("orders/<int:order_id>/edit", card.order_edit, name="order_edit"),
    path("orders/<int:order_id>/reopen", card.order_reopen, name="order_reopen"),
    path("orders/<int:order_id>/comment", card.order_comment, name="order_comment"),
    path("orders/<int:order_id>/outcome", card.order_outcome, name="order_outcome"),
    path("orders/<int:order_id>/release", card.order_release, name="order_release"),
    path("auto-next", calling.auto_next_toggle, name="auto_next"),
]
