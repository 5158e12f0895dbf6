"""Cases and what the regulator found in them: actions, law references, findings, incidents."""

from cases.models.cases import Case, CaseLink, Finding, RegulatoryAction, ReportDraft
from cases.models.incidents import Incident, IncidentPair
from cases.models.reference import (
    OWN_AUTHORITY,
    Authority,
    Instrument,
    Law,
    LawArticle,
    SafeguardType,
    own_authority_pk,
)

__all__ = [
    "OWN_AUTHORITY",
    "Authority",
    "Case",
    "CaseLink",
    "Finding",
    "Incident",
    "IncidentPair",
    "Instrument",
    "Law",
    "LawArticle",
    "RegulatoryAction",
    "ReportDraft",
    "SafeguardType",
    "own_authority_pk",
]
