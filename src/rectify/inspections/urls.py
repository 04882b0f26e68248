from django.urls import path

from rectify.inspections import clue_views, round_views, views

app_name = "inspections"
urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    # rounds, teams and inspected units
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
    # rounds/<code>/ (the round overview, inspections:round_detail) is the supervision app's: see rectify/urls.py
    # the commission's clues
    path("clues/", clue_views.clue_list, name="clue_list"),
    path("clues/new/", clue_views.clue_register, name="clue_register"),
    path("clues/<int:clue_id>/", clue_views.clue_detail, name="clue_detail"),
    path("clues/<int:clue_id>/hand-over/", clue_views.clue_hand_over, name="clue_hand_over"),
    path("clues/<int:clue_id>/disposition/", clue_views.clue_disposition, name="clue_disposition"),
    path("clues/<int:clue_id>/results/", clue_views.clue_results, name="clue_results"),
]
