"""The case file's schema: each record of the file and the values it takes (`cases.report_format` runs it)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from cases.law_references import LawReferenceError, parse_article, parse_sub_item
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


def _article_number(value: object) -> object:
    """27, or "2の17" for an article with branch numbers: read whole or refused with the form expected."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            parse_article(value)
        except LawReferenceError as error:
            raise PydanticCustomError("article_number", str(error)) from None
    return value


def _sub_item(value: object) -> object:
    try:
        parse_sub_item(value)  # type: ignore[arg-type]
    except LawReferenceError as error:
        raise PydanticCustomError("sub_item", str(error)) from None
    return value


class Law(Record):
    """A law cases are brought under (since the product holds laws as data; a file without them names known ones)."""

    code: str = Code
    name_ja: str = Name
    name_en: str = Translation
    short_name_ja: str = Field(min_length=1, max_length=100)
    short_name_en: str = Field(max_length=100)
    number: str = Field(default="", max_length=40)
    safeguards_required: bool = False
    position: int | None = Position


class Instrument(Record):
    """What a law lets the regulator do: an action's `kind` names one by its code."""

    code: str = Code
    law: str
    name_ja: str = Name
    name_en: str = Translation
    position: int | None = Position


class LawArticle(Record):
    """A law reference: `law` (a law's code) and the provision's parts; files written before laws were data name
    the law by `law_ja` (and `law_en`) instead."""

    code: str = Code
    law: str | None = None
    law_ja: str | None = Field(default=None, min_length=1, max_length=200)
    law_en: str | None = Field(default=None, max_length=200)
    article: Annotated[int | str, BeforeValidator(_article_number)]
    paragraph: int | None = Field(default=None, gt=0)
    item: int | None = Field(default=None, gt=0)
    sub_item: Annotated[str | None, BeforeValidator(_sub_item)] = None
    title_ja: str = Translation
    title_en: str = Translation

    @model_validator(mode="after")
    def law_named_once(self) -> LawArticle:
        if (self.law is None) == (self.law_ja is None):
            raise ValueError(_("name the law by its code (law), or, as older files do, by its name (law_ja)"))
        if self.law is not None and self.law_en is not None:
            raise ValueError(_("law_en goes with law_ja, not with law"))
        if self.sub_item and self.item is None:
            raise ValueError(_("a sub-item (イ, ロ…) belongs to an item (号): give the item too"))
        return self


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
    law: str | None = None
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
    kind: str = Code  # an instrument's code: the file's `instruments`, or one the product knows
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
    articles: list[str] = []
    article: str | None = None  # files written before a finding cited several references
    safeguard_types: list[str] = []  # required under a law whose findings name them (個人情報保護法)
    text_ja: str = Text
    text_en: str
    affected: list[str] = Field(min_length=1)
    measures: list[Measure] = []  # a finding may be recorded before its measures
    position: int | None = Position

    @model_validator(mode="after")
    def references_once(self) -> Finding:
        if self.article is not None and self.articles:
            raise ValueError(_("give the law references as articles, or as article alone, not both"))
        return self

    @property
    def cited(self) -> list[str]:
        """The codes of the law references the finding cites."""
        return self.articles or ([self.article] if self.article else [])


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
    laws: list[Law] = []
    instruments: list[Instrument] = []
    law_articles: list[LawArticle]
    safeguard_types: list[SafeguardType]
    groups: list[Group]
    companies: list[Company]
    case: Case
    regulatory_actions: list[RegulatoryAction]
    findings: list[Finding]
    pairs: list[Pair]
    links: list[Link] = []
