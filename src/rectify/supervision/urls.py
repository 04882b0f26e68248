"""The pages of this app keep the URL names they had before it existed — ``core:home`` (the workbench,
also LOGIN_REDIRECT_URL) and ``inspections:round_detail`` (a round's overview) — because templates and
redirects across the project name them. ``rectify/urls.py`` mounts each list under that namespace."""

from django.urls import path

from rectify.supervision import views

workbench_urlpatterns = [
    path("", views.workbench, name="home"),
]

# After inspections' own rounds/... patterns, so that rounds/new/ is not taken for a round code.
round_urlpatterns = [
    path("rounds/<str:code>/", views.round_overview, name="round_detail"),
]
