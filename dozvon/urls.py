from django.contrib import admin
from django.urls import include, path

from dozvon.api.v1 import api
from dozvon.web.views import livez

admin.site.site_header = "dozvon"
admin.site.site_title = "dozvon"

urlpatterns = [
    path("livez", livez, name="livez"),  # liveness; readiness is web's `healthz`
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("addresses/", include("dozvon.addresses.urls")),
    path("", include("dozvon.delivery.urls")),
    path("", include("dozvon.messaging.urls")),
    path("", include("dozvon.dunning.urls")),
    path("", include("dozvon.payments.urls")),
    path("", include("dozvon.subscriptions.urls")),
    path("", include("dozvon.offers.urls")),
    path("", include("dozvon.reports.urls")),
    path("", include("dozvon.web.urls")),
]

handler400 = "dozvon.web.errors.bad_request"
handler403 = "dozvon.web.errors.forbidden"
handler404 = "dozvon.web.errors.not_found"
handler500 = "dozvon.web.errors.server_error"
