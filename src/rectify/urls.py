from django.urls import include, path

from rectify.api import api
from rectify.core import urls as core_urls
from rectify.inspections import urls as inspections_urls
from rectify.supervision import urls as supervision_urls

urlpatterns = [
    # The workbench and the round overview live in supervision but keep their names core:home and
    # inspections:round_detail (see rectify/supervision/urls.py).
    path("", include((core_urls.urlpatterns + supervision_urls.workbench_urlpatterns, core_urls.app_name))),
    path("", include("rectify.accounts.urls")),
    path("", include((inspections_urls.urlpatterns + supervision_urls.round_urlpatterns,
                      inspections_urls.app_name))),
    path("", include("rectify.rectification.urls")),
    path("", include((supervision_urls.order_urlpatterns, "supervision"))),
    path("", include("rectify.ledger.urls")),
    path("", include("rectify.orgs.urls")),
    path("", include("rectify.accountability.urls")),
    path("", include("rectify.supervision.lookback_urls")),
    path("", include("rectify.reports.urls")),
    path("", include("rectify.cases.urls")),
    path("notifications/", include("rectify.notifications.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the 中文 / English switch
]

handler400 = "rectify.core.views.bad_request"
handler404 = "rectify.core.views.not_found"
handler403 = "rectify.core.views.forbidden"
handler500 = "rectify.core.views.server_error"
