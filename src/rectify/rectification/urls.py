from django.urls import path

from rectify.rectification import handover_views, views

app_name = "rectification"
urlpatterns = [
    path("ledger/", views.ledger_index, name="ledger_index"),
    path("ledger/<str:round_code>/<str:unit_code>/", views.ledger, name="ledger"),
    path("ledger/<str:round_code>/<str:unit_code>/problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:problem_id>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:problem_id>/edit/", views.problem_edit, name="problem_edit"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:task_id>/evidence/", views.task_evidence, name="task_evidence"),
    path("tasks/<int:task_id>/close-out/", views.task_close_out, name="task_close_out"),
    path("tasks/<int:task_id>/reopen/", views.task_reopen, name="task_reopen"),
    path("evidence/<int:evidence_id>/download/", views.evidence_download, name="evidence_download"),
    path("close-outs/", views.review_queue, name="review_queue"),
    path("close-outs/<int:close_out_id>/approve/", views.close_out_approve, name="close_out_approve"),
    path("close-outs/<int:close_out_id>/return/", views.close_out_return, name="close_out_return"),
    path("tenures/<int:tenure_id>/handover/", handover_views.tenure_handover, name="tenure_handover"),
]
