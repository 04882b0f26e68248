from django.urls import path

from rectify.orgs import views

app_name = "orgs"
# Unit codes start with a letter or digit, so the "-" segment can never be a unit's code.
urlpatterns = [
    path("orgs/", views.tree, name="tree"),
    path("orgs/-/new/", views.unit_create, name="unit_create"),
    path("orgs/-/parent-choices/", views.parent_choices, name="parent_choices"),
    path("orgs/<str:code>/", views.roster, name="roster"),
    path("orgs/<str:code>/edit/", views.unit_edit, name="unit_edit"),
    path("orgs/<str:code>/move/", views.unit_move, name="unit_move"),
    path("orgs/<str:code>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    path("orgs/<str:code>/reactivate/", views.unit_reactivate, name="unit_reactivate"),
    path("orgs/<str:code>/people/", views.person_add, name="person_add"),
    path("orgs/<str:code>/people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("orgs/<str:code>/people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("orgs/<str:code>/posts/", views.post_add, name="post_add"),
    path("orgs/<str:code>/posts/<int:post_id>/", views.post_detail, name="post_detail"),
    path("orgs/<str:code>/posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("orgs/<str:code>/posts/<int:post_id>/appoint/", views.post_appoint, name="post_appoint"),
    path("orgs/<str:code>/posts/<int:post_id>/tenures/<int:tenure_id>/", views.tenure_edit, name="tenure_edit"),
    path("orgs/<str:code>/posts/<int:post_id>/tenures/<int:tenure_id>/end/", views.tenure_end, name="tenure_end"),
]
