from django.urls import path

from cases import report_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/<slug:case>/", views.case_detail, name="case_detail"),
    path("cases/<slug:case>/findings/", views.finding_list, name="finding_list"),
    path("cases/<slug:case>/findings/<slug:code>/", views.finding_detail, name="finding_detail"),
    path("cases/<slug:case>/incidents/", views.incident_list, name="incident_list"),
    path("cases/<slug:case>/incidents/<int:pair>/<int:number>/", views.incident_detail, name="incident_detail"),
    path("reports/", report_views.report_draft_list, name="report_draft_list"),
    path("reports/<int:pk>/", report_views.report_draft_detail, name="report_draft_detail"),
    path("reports/<int:pk>/<str:language>.pdf", report_views.report_draft_pdf, name="report_draft_pdf"),
    path("reports/<int:pk>/approve/", report_views.report_draft_approve_view, name="report_draft_approve"),
]
