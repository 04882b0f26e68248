from django.urls import path

from rectify.accountability import case_views, pool_views, views

app_name = "accountability"
urlpatterns = [
    path("accountability/", case_views.case_list, name="case_list"),
    path("accountability/cases/new/", case_views.case_new, name="case_new"),
    path("accountability/cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("accountability/cases/<int:pk>/edit/", case_views.case_edit, name="case_edit"),
    path("accountability/cases/<int:pk>/steps/<str:step>/", case_views.case_step, name="case_step"),
    path("accountability/cases/<int:pk>/subjects/", case_views.subject_add, name="subject_add"),
    path("accountability/cases/<int:pk>/opinions/", case_views.opinion_add, name="opinion_add"),
    path("accountability/cases/<int:pk>/subjects/<int:sid>/", case_views.subject_detail, name="subject_detail"),
    path("accountability/cases/<int:pk>/subjects/<int:sid>/decision/", case_views.decision, name="decision"),
    path("accountability/cases/<int:pk>/subjects/<int:sid>/correction/", case_views.correction, name="correction"),
    path("accountability/cases/<int:pk>/notice/", case_views.notice, name="notice"),
    path("accountability/cases/<int:pk>/notice.docx", case_views.notice_docx, name="notice_docx"),
    path("accountability/appeals/<int:pk>/answer/", case_views.appeal_answer, name="appeal_answer"),
    path("accountability/specialists/", pool_views.pool, name="pool"),
    path("accountability/specialists/<int:pk>/", pool_views.specialist_detail, name="specialist_detail"),
    path("accountability/outcomes/", pool_views.outcomes, name="outcomes"),
    path("accountability/catalogue/", views.catalogue, name="catalogue"),
    path("accountability/catalogue/<str:section>/<str:code>/edit/", views.catalogue_edit, name="catalogue_edit"),
]
