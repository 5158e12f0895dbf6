"""The case file's schema: each record of the file and the values it takes (`cases.report_format` runs it)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from compliance.validators import CODE_PATTERN, validate_supported_date

# As long as the database's columns allow.
Code = Field(pattern=CODE_PATTERN, max_length=50)
ShortCode = Field(pattern=CODE_PATTERN, max_length=40)
LongCode = Field(pattern=CODE_PATTERN, max_length=80)
Text = Field(min_length=1)
Name = Field(min_length=1, max_length=200)
Translation = Field(max_length=200)
Position = Field(default=None, ge=0)


def _supported(day: datetime.date) -> datetime.date:
    """A date within the range the product accepts, as every form and the API check it."""
    try:
        validate_supported_date(day)
    except DjangoValidationError as error:
        raise PydanticCustomError("date_out_of_range", error.messages[0]) from None
    return day


Day = Annotated[datetime.date, AfterValidator(_supported)]


class Record(BaseModel):
    """Every record of the file: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Record):
    title_ja: str = Text
    title_en: str = Text
    published_on: Day
    publisher_ja: str = Text
    publisher_en: str = Text
    text_file: str = Field(pattern=r"^[\w.-]+$")
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class LawArticle(Record):
    code: str = Code
    law_ja: str = Name
    law_en: str = Translation
    article: int = Field(gt=0)
    paragraph: int | None = Field(default=None, gt=0)
    title_ja: str = Name
    title_en: str = Translation


class SafeguardType(Record):
    code: str = Code
    name_ja: str = Name
    name_en: str = Translation
    position: int | None = Position


class Authority(Record):
    code: str = Code
    name_ja: str = Name
    name_en: str = Translation
    kind: Literal["commission", "ministry", "minister", "court", "other"]
    position: int | None = Position


class Group(Record):
    code: str = Code
    name_ja: str = Name
    name_en: str = Translation
    position: int | None = Position


class Company(Record):
    code: str = Code
    name_ja: str = Name
    name_en: str = Translation
    kind: Literal["td_operator", "retailer", "both", "contractor"]
    group: str | None = None
    position: int | None = Position


class Case(Record):
    code: str = Code
    title_ja: str = Text
    title_en: str
    summary_ja: str
    summary_en: str
    opened_on: Day
    closed_on: Day | None = None
    status: Literal["open", "monitoring", "closed"]
    published: bool = False
    status_public: bool = False
    # The authorities that brought the case; when absent, a new case is the regulator's own, an existing one keeps its.
    authorities: list[str] | None = None

    @model_validator(mode="after")
    def closed_after_opened(self) -> Case:
        # As the case's own rules say: a closed case has its closing day, on or after the day it opened.
        if self.status == "closed" and self.closed_on is None:
            raise ValueError(_("a closed case has the day it was closed (closed_on)"))
        if self.status != "closed" and self.closed_on is not None:
            raise ValueError(_("only a closed case has a closing day"))
        if self.closed_on is not None and self.closed_on < self.opened_on:
            raise ValueError(_("the case is closed before it was opened"))
        return self


class RegulatoryAction(Record):
    code: str = LongCode
    kind: Literal["guidance", "report_request", "order", "publication", "decision"]
    date: Day
    # The authority that issued it; when absent, a new action is the case's first authority's.
    issuer: str | None = None
    articles: list[str] = []
    addressees: list[str] = []
    addressee_authorities: list[str] = []
    title_ja: str = Text
    title_en: str
    source_ja: str
    source_en: str
    position: int | None = Position


class Window(Record):
    start: Day
    end: Day

    @model_validator(mode="after")
    def end_not_before_start(self) -> Window:
        if self.end < self.start:
            raise ValueError(_("the window ends before it starts"))
        return self


Status = Literal["planned", "in_progress", "done", "blocked"]


class TrackedState(Record):
    """What the progress workflow keeps of an item besides its status: its dates and its reporting duty.

    Taken from the file only when the item is created; afterwards it belongs to the workflow.
    """

    due_on: Day | None = None
    window: Window | None = None
    baseline_due_on: Day | None = None
    baseline_window: Window | None = None
    tracked_since: Day | None = None
    reporting_every: Literal["monthly", "quarterly"] | None = None
    reporting_since: Day | None = None
    deadline_text: str | None = Field(default=None, max_length=200)
    submitted_on: Day | None = None
    completed_on: Day | None = None

    @model_validator(mode="after")
    def dates_consistent(self) -> TrackedState:
        # As the tracked item's own rules say, so that the file is refused before anything is written.
        if self.due_on is not None and self.window is not None:
            raise ValueError(_("a due date or a window, not both"))
        if (self.reporting_every is None) != (self.reporting_since is None):
            raise ValueError(_("reporting_every and reporting_since are given together or not at all"))
        return self


class Implementation(TrackedState):
    """One implementing company's own status and dates for a measure."""

    company: str
    status: Status | None = None
    position: int | None = Position


class Measure(Record):
    code: str = ShortCode
    safeguard_type: str
    kind: Literal["completed", "standing", "periodic", "project"]
    status: Status | None = None
    text_ja: str = Text
    text_en: str
    implementers: list[str] = []  # a measure may be recorded before anyone is asked to carry it out
    window: Window | None = None
    # What the authority published of the measure's timing: its deadline in its own words, the days submitted and done.
    deadline_text: str = Field(default="", max_length=200)
    submitted_on: Day | None = None
    completed_on: Day | None = None
    implementations: list[Implementation] = []
    position: int | None = Position


class Finding(Record):
    code: str = ShortCode
    side: Literal["td_operator", "retailer"]
    article: str
    safeguard_types: list[str] = Field(min_length=1)
    text_ja: str = Text
    text_en: str
    affected: list[str] = Field(min_length=1)
    measures: list[Measure] = []  # a finding may be recorded before its measures
    position: int | None = Position


class Incident(TrackedState):
    number: int | None = Field(default=None, gt=0)
    label: str = Field(min_length=1, max_length=8)
    viewer: str | None
    owner: str | None
    mutual: bool = False
    data_kind: (
        Literal["bank_account", "pole_data", "contractor_employee", "new_entrant_customer", "customer_data"] | None
    )
    used: bool | None
    new_entrant_data: bool | None
    status: Status | None
    summary_ja: str = Text
    summary_en: str
    fix_ja: str
    fix_en: str


class UndescribedIncident(TrackedState):
    """An incident the report counts but does not describe: its number in the pair and its tracked state only."""

    number: int = Field(gt=0)
    status: Status | None = None


class Pair(Record):
    number: int = Field(gt=0)
    group: str
    companies: list[str] = Field(min_length=1)
    incident_total: int = Field(ge=0)
    incidents: list[Incident] = []
    undescribed: list[UndescribedIncident] = []

    @model_validator(mode="after")
    def described_within_total(self) -> Pair:
        if len(self.incidents) > self.incident_total:
            raise ValueError(
                _("%(described)s incidents described but the total is %(total)s")
                % {"described": len(self.incidents), "total": self.incident_total}
            )
        return self


class Link(Record):
    """A link between this case and another, by the other case's code, as it reads from this case.

    `outgoing`: this case made the link and the other case stands to it as `relation` says; `incoming`: the other
    case made it. A link to a case not in the database is left out of an import and reported; it is made when the
    other case's file (which carries the same link) is imported.
    """

    case: str = Code
    relation: Literal["same_companies", "same_events", "other_regulator", "follow_up"]
    direction: Literal["outgoing", "incoming"] = "outgoing"
    note_ja: str = ""
    note_en: str = ""


class CaseFile(Record):
    """The whole file: reference data, then the case and everything in it."""

    format_version: Literal[1]
    source: Source | None = None
    authorities: list[Authority] = []
    law_articles: list[LawArticle]
    safeguard_types: list[SafeguardType]
    groups: list[Group]
    companies: list[Company]
    case: Case
    regulatory_actions: list[RegulatoryAction]
    findings: list[Finding]
    pairs: list[Pair]
    links: list[Link] = []
