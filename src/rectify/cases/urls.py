from django.urls import path

from rectify.cases import training_views, views

app_name = "cases"
urlpatterns = [
    path("cases/library/", views.library, name="library"),
    path("cases/upload/", views.upload, name="upload"),
    path("cases/documents/<int:document_id>/", views.document, name="document"),
    path("cases/documents/<int:document_id>/review/", views.review_edit, name="review_edit"),
    path("cases/training/", training_views.training, name="training"),
    path("cases/training/courses/new/", training_views.course_new, name="course_new"),
    path("cases/training/courses/<int:course_id>/", training_views.course, name="course"),
    path("cases/training/courses/<int:course_id>/handout.docx", training_views.handout, name="handout"),
    path("cases/training/sessions/new/", training_views.session_new, name="session_new"),
    path("cases/training/sessions/<int:session_id>/", training_views.session, name="session"),
    path("cases/training/sessions/<int:session_id>/attendance/", training_views.attendance_import,
         name="attendance_import"),
]
