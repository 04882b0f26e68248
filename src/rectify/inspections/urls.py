from django.urls import path

from rectify.inspections import clue_views, views

app_name = "inspections"
urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<str:code>/", views.round_detail, name="round_detail"),
    # the commission's clues
    path("clues/", clue_views.clue_list, name="clue_list"),
    path("clues/new/", clue_views.clue_register, name="clue_register"),
    path("clues/<int:clue_id>/", clue_views.clue_detail, name="clue_detail"),
    path("clues/<int:clue_id>/hand-over/", clue_views.clue_hand_over, name="clue_hand_over"),
    path("clues/<int:clue_id>/disposition/", clue_views.clue_disposition, name="clue_disposition"),
    path("clues/<int:clue_id>/results/", clue_views.clue_results, name="clue_results"),
]
