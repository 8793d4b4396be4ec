from django.contrib import admin
from django.urls import include, path

from dozvon.api.v1 import api
from dozvon.core import plugins
from dozvon.web.views import livez

admin.site.site_header = "dozvon"
admin.site.site_title = "dozvon"

urlpatterns = [
    path("livez", livez, name="livez"),  # liveness; readiness is web's `healthz`
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("addresses/", include("dozvon.addresses.urls")),
    path("", include("dozvon.web.delivery_urls")),
    path("", include("dozvon.messaging.urls")),
    path("", include("dozvon.payments.urls")),
    # the playbook plug-ins' pages (dozvon.core.plugins.URLS: each a URLconf module path)
    *(path("", include(module)) for module in plugins.items(plugins.URLS)),
    path("", include("dozvon.reports.urls")),
    path("", include("dozvon.web.urls")),
]

handler400 = "dozvon.core.http_errors.bad_request"
handler403 = "dozvon.core.http_errors.forbidden"
handler404 = "dozvon.core.http_errors.not_found"
handler500 = "dozvon.core.http_errors.server_error"
