from django.urls import path

from rectify.reports import cycle_views, views

app_name = "reports"
urlpatterns = [
    path("stats/", views.index, name="index"),
    path("stats/province/", views.province, name="province"),
    path("stats/rounds/<str:code>/", views.round_dashboard, name="round"),
    path("stats/rounds/<str:code>/teams/<int:team_id>/", views.team_dashboard, name="team"),
    path("stats/units/<str:unit_code>/", views.unit_dashboard, name="unit"),
    path("stats/categories/<str:code>/", views.category_dashboard, name="category"),
    path("attention/", views.tasks, name="tasks"),
    path("stats/cycles/", cycle_views.cycles_index, name="cycles_index"),
    path("stats/cycles/<str:code>/", cycle_views.cycles, name="cycles"),
    path("stats/cycles/<str:code>/settings/", cycle_views.cycle_settings, name="cycle_settings"),
    path("reports/<str:round_code>/<str:unit_code>/", cycle_views.unit_reports, name="unit_reports"),
    path("reports/<str:round_code>/<str:unit_code>/<str:kind>/<int:cycle>/", cycle_views.unit_report,
         name="unit_report"),
]
