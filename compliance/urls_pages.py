from django.urls import path

from compliance import views, views_editing

app_name = "compliance"

urlpatterns = [
    # Before the company's page: "new" is no company's code (the form refuses it).
    path("companies/new/", views_editing.company_create, name="company_create"),
    path("companies/<slug:code>/edit/", views_editing.company_edit, name="company_edit"),
    path("company-groups/new/", views_editing.company_group_create, name="company_group_create"),
    path("company-groups/<slug:code>/edit/", views_editing.company_group_edit, name="company_group_edit"),
    path("audit/access-log/", views.access_log_list, name="access_log_list"),
    path("audit/history/", views.change_history_list, name="change_history_list"),
    path("audit/anomalies/", views.access_anomaly_list, name="access_anomaly_list"),
]
