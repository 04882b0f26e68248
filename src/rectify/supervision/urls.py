"""The pages of this app keep the URL names they had before it existed — ``core:home`` (the workbench,
also LOGIN_REDIRECT_URL) and ``inspections:round_detail`` (a round's overview) — because templates and
redirects across the project name them. ``rectify/urls.py`` mounts each list under that namespace."""

from django.urls import path

from rectify.supervision import order_views, views

workbench_urlpatterns = [
    path("", views.workbench, name="home"),
]

# After inspections' own rounds/... patterns, so that rounds/new/ is not taken for a round code.
round_urlpatterns = [
    path("rounds/<str:code>/", views.round_overview, name="round_detail"),
]

# 督办: supervision orders and letters, under the namespace "supervision".
order_urlpatterns = [
    path("supervision/orders/", order_views.order_list, name="order_list"),
    path("supervision/orders/new/", order_views.order_new, name="order_new"),
    path("supervision/orders/<int:pk>/", order_views.order_detail, name="order_detail"),
    path("supervision/orders/<int:pk>/letter.docx", order_views.order_letter, name="order_letter"),
]
