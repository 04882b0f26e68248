from django.urls import include, path

from rectify.api import api

urlpatterns = [
    path("", include("rectify.core.urls")),
    path("", include("rectify.accounts.urls")),
    path("", include("rectify.inspections.urls")),
    path("", include("rectify.rectification.urls")),
    path("", include("rectify.ledger.urls")),
    path("", include("rectify.orgs.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the 中文 / English switch
]

handler400 = "rectify.core.views.bad_request"
handler404 = "rectify.core.views.not_found"
handler403 = "rectify.core.views.forbidden"
handler500 = "rectify.core.views.server_error"
