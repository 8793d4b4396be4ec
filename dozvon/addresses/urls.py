from django.urls import path

from dozvon.addresses import views

app_name = "addresses"

urlpatterns = [
    path("suggest", views.suggest, name="suggest"),
]
