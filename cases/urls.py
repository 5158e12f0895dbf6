from django.urls import path

from cases import views, views_editing

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    # Before the case's own pages too: "new" is no record's code (the forms refuse it).
    path("cases/new/", views_editing.case_open, name="case_open"),
    path("cases/<slug:case>/", views.case_detail, name="case_detail"),
    path("cases/<slug:case>/links/", views.case_link_add, name="case_link_add"),
    path("cases/<slug:case>/links/<int:pk>/remove/", views.case_link_remove, name="case_link_remove"),
    path("cases/<slug:case>/findings/", views.finding_list, name="finding_list"),
    path("cases/<slug:case>/findings/new/", views_editing.finding_create, name="finding_create"),
    path("cases/<slug:case>/findings/<slug:code>/", views.finding_detail, name="finding_detail"),
    path("cases/<slug:case>/incidents/", views.incident_list, name="incident_list"),
    path("cases/<slug:case>/incidents/<int:pair>/<int:number>/", views.incident_detail, name="incident_detail"),
    # Regulator staff keeping the case and its content.
    path("cases/<slug:case>/edit/", views_editing.case_edit, name="case_edit"),
    path("cases/<slug:case>/close/", views_editing.case_close, name="case_close"),
    path("cases/<slug:case>/reopen/", views_editing.case_reopen, name="case_reopen"),
    path("cases/<slug:case>/actions/new/", views_editing.regulatory_action_create, name="regulatory_action_create"),
    path(
        "cases/<slug:case>/actions/<slug:code>/edit/",
        views_editing.regulatory_action_edit,
        name="regulatory_action_edit",
    ),
    path(
        "cases/<slug:case>/actions/<slug:code>/delete/",
        views_editing.regulatory_action_delete,
        name="regulatory_action_delete",
    ),
    path("cases/<slug:case>/findings/<slug:code>/edit/", views_editing.finding_edit, name="finding_edit"),
    path("cases/<slug:case>/findings/<slug:code>/delete/", views_editing.finding_delete, name="finding_delete"),
    path("cases/<slug:case>/incident-pairs/new/", views_editing.incident_pair_create, name="incident_pair_create"),
    path(
        "cases/<slug:case>/incident-pairs/<int:pair>/edit/", views_editing.incident_pair_edit, name="incident_pair_edit"
    ),
    path("cases/<slug:case>/incidents/<int:pair>/new/", views_editing.incident_create, name="incident_create"),
    path(
        "cases/<slug:case>/incidents/<int:pair>/<int:number>/edit/", views_editing.incident_edit, name="incident_edit"
    ),
    path("law-articles/new/", views_editing.law_article_create, name="law_article_create"),
    path("law-articles/<slug:code>/edit/", views_editing.law_article_edit, name="law_article_edit"),
]
