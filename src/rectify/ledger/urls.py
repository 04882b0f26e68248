from django.urls import path

from rectify.ledger import views

app_name = "ledger"
urlpatterns = [
    path("imports/", views.import_start, name="import_start"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/units/", views.import_unit_options, name="import_unit_options"),
    path("imports/<uuid:job_id>/", views.import_job, name="import_job"),
    path("imports/<uuid:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("exports/ledger.xlsx", views.export, name="export"),
    path("exports/<uuid:job_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:job_id>/download/", views.export_download, name="export_download"),
    path("units/<str:unit_code>/roster/import/", views.roster_import, name="roster_import"),
]
