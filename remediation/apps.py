from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class RemediationConfig(AppConfig):
    """Measures, their implementation by each company, and progress updates."""

    name = "remediation"
    verbose_name = _("Remediation")

    def ready(self) -> None:
        from cases.editing import removal_guards
        from cases.selectors import finding_prefetches
        from cases.views import case_page_sections
        from compliance.record_names import name_relations
        from remediation import tasks  # noqa: F401  (registers the tasks that notifications queue by name)
        from remediation.case_page import case_page_section
        from remediation.dashboard_cache import watch_sources
        from remediation.editing import refuse_finding_removal
        from remediation.selectors import measures_prefetch

        watch_sources(apps.get_model)
        removal_guards.append(refuse_finding_removal)
        finding_prefetches.append(measures_prefetch)
        case_page_sections.append(case_page_section)
        # What names the records of the follow-up on the audit pages (their `str()` and page), read with them.
        # (An implementation's page is its measure's, addressed by the measure's finding and case.)
        subject = ("implementation__measure__finding__case", "implementation__company", "incident__pair__case")
        name_relations.update(
            {
                "remediation.implementation": ("measure__finding__case", "company"),
                "remediation.progressupdate": subject,
                "remediation.deadlinechange": subject,
                "remediation.reminder": subject,
                "remediation.review": tuple(f"update__{relation}" for relation in subject),
                "remediation.evidence": tuple(f"update__{relation}" for relation in subject),
                "cases.incident": ("pair__case",),
            }
        )
