from django.urls import path

from remediation import (
    calendar_views,
    companies,
    dashboard_views,
    deadline_change_views,
    progress_update_views,
    reminder_views,
    report_views,
    views,
    views_case_files,
    views_editing,
)

app_name = "remediation"

urlpatterns = [
    # Whole-case files; before the case's own pages (the root URL conf includes these first): "import" is no case's
    # code (the case file format reserves it).
    path("cases/import/", views_case_files.case_file_upload, name="case_file_import"),
    path("cases/<slug:case>/export/", views_case_files.case_file_download, name="case_file_export"),
    path("companies/", companies.company_list, name="company_list"),
    path("companies/<slug:code>/", companies.company_detail, name="company_detail"),
    path("calendar/", calendar_views.calendar_feed, name="calendar_feed"),
    path("calendar/<slug:token>.ics", calendar_views.calendar_feed_ics, name="calendar_feed_ics"),
    # Before the measure's page: "new" is no measure's code (the form refuses it).
    path(
        "cases/<slug:case>/findings/<slug:finding>/measures/new/",
        views_editing.measure_create,
        name="measure_create",
    ),
    path(
        "cases/<slug:case>/findings/<slug:finding>/measures/<slug:code>/",
        views.measure_detail,
        name="measure_detail",
    ),
    path(
        "cases/<slug:case>/findings/<slug:finding>/measures/<slug:code>/edit/",
        views_editing.measure_edit,
        name="measure_edit",
    ),
    path(
        "cases/<slug:case>/findings/<slug:finding>/measures/<slug:code>/delete/",
        views_editing.measure_delete,
        name="measure_delete",
    ),
    path(
        "cases/<slug:case>/findings/<slug:finding>/measures/<slug:code>/implementers/new/",
        views_editing.implementation_add,
        name="implementation_add",
    ),
    path("implementations/<int:pk>/remove/", views_editing.implementation_remove, name="implementation_remove"),
    path("cases/<slug:case>/open-items/", views.open_item_list, name="open_item_list"),
    path("items/<slug:kind>/<int:pk>/", views.item_detail, name="item_detail"),
    path(
        "items/<slug:kind>/<int:pk>/updates/",
        progress_update_views.progress_update_submit_view,
        name="progress_update_submit",
    ),
    path(
        "items/<slug:kind>/<int:pk>/deadline/",
        deadline_change_views.deadline_change_submit_view,
        name="deadline_change_submit",
    ),
    path(
        "items/<slug:kind>/<int:pk>/reporting-duty/", reminder_views.reporting_duty_set_view, name="reporting_duty_set"
    ),
    path("items/<slug:kind>/<int:pk>/dates/", views_editing.item_dates_set, name="item_dates_set"),
    path("my-items/", dashboard_views.officer_home, name="my_items"),
    path("dashboard/", dashboard_views.regulator_dashboard, name="dashboard"),
    path("home/", dashboard_views.home, name="home"),
    path("progress-updates/", progress_update_views.progress_update_list, name="progress_update_list"),
    path("progress-updates/<int:pk>/", progress_update_views.progress_update_detail, name="progress_update_detail"),
    path(
        "progress-updates/<int:pk>/review/",
        progress_update_views.progress_update_review_view,
        name="progress_update_review",
    ),
    path("reviews/", progress_update_views.review_queue, name="review_queue"),
    path("deadline-changes/", deadline_change_views.deadline_change_list, name="deadline_change_list"),
    path(
        "deadline-changes/<int:pk>/decide/",
        deadline_change_views.deadline_change_decide_view,
        name="deadline_change_decide",
    ),
    path("evidence/<int:pk>/", progress_update_views.evidence_download, name="evidence_download"),
    path("reminders/", reminder_views.reminder_list, name="reminder_list"),
    path("preferences/", reminder_views.preferences, name="preferences"),
    path("implementations/", views.implementation_list, name="implementation_list"),
    path("reports/", report_views.report_draft_list, name="report_draft_list"),
    path("reports/<int:pk>/", report_views.report_draft_detail, name="report_draft_detail"),
    path("reports/<int:pk>/<str:language>.pdf", report_views.report_draft_pdf, name="report_draft_pdf"),
    path("reports/<int:pk>/approve/", report_views.report_draft_approve_view, name="report_draft_approve"),
]
