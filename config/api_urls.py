"""The API under /api/v1/: one router, so its browsable root lists every resource."""

from cases.api import views as case_views
from compliance.api import views as company_views
from compliance.api import webhooks
from compliance.api.routers import ApiRouter
from remediation.api import case_files, companies, incidents
from remediation.api import views as remediation_views

router = ApiRouter()
router.register("cases", case_files.CaseViewSet)
router.register("regulatory-actions", case_views.RegulatoryActionViewSet)
router.register("laws", case_views.LawViewSet)
router.register("instruments", case_views.InstrumentViewSet)
router.register("law-articles", case_views.LawArticleViewSet)
router.register("authorities", case_views.AuthorityViewSet)
router.register("safeguard-types", case_views.SafeguardTypeViewSet)
router.register("company-groups", company_views.CompanyGroupViewSet)
router.register("companies", companies.CompanyViewSet)
router.register("findings", case_views.FindingViewSet)
router.register("measures", remediation_views.MeasureViewSet)
router.register("implementations", remediation_views.ImplementationViewSet)
router.register("incident-pairs", case_views.IncidentPairViewSet)
router.register("incidents", incidents.IncidentViewSet)
router.register("progress-updates", remediation_views.ProgressUpdateViewSet)
router.register("reviews", remediation_views.ReviewViewSet)
router.register("evidence", remediation_views.EvidenceViewSet)
router.register("deadline-changes", remediation_views.DeadlineChangeViewSet)
router.register("reminders", remediation_views.ReminderViewSet)
router.register("access-log", company_views.AccessLogViewSet, basename="accesslog")
router.register("access-anomalies", company_views.AccessAnomalyViewSet, basename="accessanomaly")
router.register("history", company_views.ChangeHistoryViewSet, basename="history")
router.register("auth/tokens", company_views.ApiTokenViewSet, basename="apitoken")
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")

urlpatterns = router.urls
