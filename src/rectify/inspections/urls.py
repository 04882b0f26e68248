from django.urls import path

from rectify.inspections import views

app_name = "inspections"
urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<str:code>/", views.round_detail, name="round_detail"),
]
