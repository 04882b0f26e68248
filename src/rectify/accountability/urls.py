from django.urls import path

from rectify.accountability import views

app_name = "accountability"
urlpatterns = [
    path("accountability/catalogue/", views.catalogue, name="catalogue"),
    path("accountability/catalogue/<str:section>/<str:code>/edit/", views.catalogue_edit, name="catalogue_edit"),
]
