from django.urls import path

from rectify.reports import views

app_name = "reports"
urlpatterns = [
    path("stats/", views.index, name="index"),
    path("stats/province/", views.province, name="province"),
    path("stats/rounds/<str:code>/", views.round_dashboard, name="round"),
    path("stats/rounds/<str:code>/teams/<int:team_id>/", views.team_dashboard, name="team"),
    path("stats/units/<str:unit_code>/", views.unit_dashboard, name="unit"),
    path("stats/categories/<str:code>/", views.category_dashboard, name="category"),
    path("attention/", views.tasks, name="tasks"),
]
