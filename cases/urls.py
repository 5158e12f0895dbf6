from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/<slug:case>/", views.case_detail, name="case_detail"),
    path("cases/<slug:case>/findings/", views.finding_list, name="finding_list"),
    path("cases/<slug:case>/findings/<slug:code>/", views.finding_detail, name="finding_detail"),
    path("cases/<slug:case>/incidents/", views.incident_list, name="incident_list"),
    path("cases/<slug:case>/incidents/<int:pair>/<int:number>/", views.incident_detail, name="incident_detail"),
]
