"""Companies in the API with the filter the follow-up layer can give them: `case`, the companies a case names."""

from __future__ import annotations

from compliance.api import views as company_views


class CompanyViewSet(company_views.CompanyViewSet):
    __doc__ = company_views.CompanyViewSet.__doc__  # the schema describes the companies endpoints by it

    # A case names a company as concerned by a finding, as implementing a measure, as one of an incident pair, or as
    # an addressee of an action.
    case_paths = (
        "findings__case",
        "implementations__measure__finding__case",
        "incident_pairs__case",
        "regulatory_actions__case",
    )
