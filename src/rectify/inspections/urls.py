from django.urls import path

from rectify.inspections import round_views, views

app_name = "inspections"
urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    # --- rounds, teams and inspected units (engineer 4) ---
    path("rounds/new/", round_views.round_create, name="round_create"),
    path("rounds/<str:code>/edit/", round_views.round_edit, name="round_edit"),
    path("rounds/<str:code>/units/", round_views.round_units, name="round_units"),
    path("rounds/<str:code>/units/add/", round_views.inspected_unit_add, name="inspected_unit_add"),
    path("rounds/<str:code>/units/<str:unit_code>/edit/", round_views.inspected_unit_edit,
         name="inspected_unit_edit"),
    path("rounds/<str:code>/teams/new/", round_views.team_create, name="team_create"),
    path("rounds/<str:code>/teams/<int:team_id>/edit/", round_views.team_edit, name="team_edit"),
    path("options/units/", round_views.unit_options, name="unit_options"),
    path("options/people/", round_views.person_options, name="person_options"),
    # --- end rounds, teams and inspected units ---
    path("rounds/<str:code>/", views.round_detail, name="round_detail"),
]
