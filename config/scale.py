"""Synthetic data at scale: N copies of the 2024-03-06 report's case, repeatable from a seed.

Each copy is shaped like the loaded report (its actions, groups, companies, findings, measures,
implementations, incident pairs and incidents) with its own codes, names, dates and statuses, plus the
private records of a working case: an officer per regulated company, progress updates, reviews,
reminders and the access log's reads. Copy `n` draws everything from `random.Random(f"{seed}:{n}")`, so
the same seed gives the same data whatever else the database holds (only primary keys differ).
"""

from __future__ import annotations

import datetime
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models, transaction
from django.urls import reverse

from cases.choices import ActionKind, CaseStatus
from cases.models import Case, Finding, Incident, IncidentPair, RegulatoryAction
from compliance import clock
from compliance.audit import CHAIN_LOCK_KEY, GENESIS_HASH, record_label
from compliance.choices import CompanyKind, ItemStatus, Role
from compliance.models import AccessLogEntry, Company, CompanyGroup, User
from compliance.models.audit import AccessAction
from remediation.choices import MeasureKind, ReminderRule, ReviewDecision, ReviewState
from remediation.models import (
    Implementation,
    Measure,
    ProgressUpdate,
    Reminder,
    ReminderRecipient,
    Review,
)

REPORT_CASE = "ppc-2024-utilities"
PREFIX = "scale-"
# The data's "today": statuses, overdue items and timestamps are drawn relative to it, not to the clock.
TODAY = datetime.date(2026, 11, 26)
HORIZON = datetime.datetime.combine(TODAY, datetime.time(0), tzinfo=datetime.UTC)
FIRST_OPENED = datetime.date(2019, 1, 1)
BLOCK = 20  # copies per transaction
BATCH = 5000  # rows per INSERT
READS_PER_COPY = 100
STAFF_USERNAME = "scale-regulator-staff"
DAY = datetime.timedelta(days=1)
UTC = datetime.UTC

ActionArticle = RegulatoryAction.articles.through
ActionAddressee = RegulatoryAction.addressees.through
FindingSafeguard = Finding.safeguard_types.through
FindingCompany = Finding.affected_companies.through
PairCompany = IncidentPair.companies.through

# Parents before children: each list is inserted once the rows it points at have their keys.
INSERT_ORDER: list[type[models.Model]] = [
    CompanyGroup,
    Company,
    User,
    Case,
    RegulatoryAction,
    ActionArticle,
    ActionAddressee,
    Finding,
    FindingSafeguard,
    FindingCompany,
    Measure,
    Implementation,
    IncidentPair,
    PairCompany,
    Incident,
    ProgressUpdate,
    Review,
    Reminder,
    ReminderRecipient,
]

# Places that stand in for the report's regions in each copy's names and texts (none is one of them).
PLACES: list[tuple[str, str]] = [
    ("北海", "Hokkai"), ("東海", "Tokai"), ("山陰", "San'in"), ("山陽", "San'yo"), ("房総", "Boso"),
    ("信越", "Shin'etsu"), ("甲信", "Koshin"), ("常磐", "Joban"), ("奥羽", "Ou"), ("紀伊", "Kii"),
    ("瀬戸内", "Setouchi"), ("阿蘇", "Aso"), ("薩摩", "Satsuma"), ("土佐", "Tosa"), ("伊予", "Iyo"),
    ("讃岐", "Sanuki"), ("出雲", "Izumo"), ("吉備", "Kibi"), ("越後", "Echigo"), ("越前", "Echizen"),
    ("加賀", "Kaga"), ("能登", "Noto"), ("飛騨", "Hida"), ("美濃", "Mino"), ("尾張", "Owari"),
    ("三河", "Mikawa"), ("駿河", "Suruga"), ("相模", "Sagami"), ("武蔵", "Musashi"), ("上総", "Kazusa"),
    ("下野", "Shimotsuke"), ("陸奥", "Mutsu"), ("出羽", "Dewa"), ("琉球", "Ryukyu"), ("筑紫", "Tsukushi"),
    ("肥後", "Higo"), ("日向", "Hyuga"), ("大隅", "Osumi"), ("安芸", "Aki"), ("丹波", "Tamba"),
]  # fmt: skip
SURNAMES = [
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本",
    "中村", "小林", "加藤", "吉田", "山田", "松本", "井上",
]  # fmt: skip
GIVEN_NAMES = ["健一", "美咲", "大輔", "陽子", "翔太", "由美", "拓也", "直子", "誠", "恵", "亮", "真理子"]
CASE_TITLES: list[tuple[str, str]] = [
    (
        "{ja}地域の一般送配電事業者及び関係小売電気事業者による新電力顧客の個人情報の不適切な取扱い（第{n}号）",
        "Improper handling of new-entrant retailers' customer data by the {en} T&D operator and retailer (No. {n})",
    ),
    (
        "{ja}電力グループにおける共用システムを通じた顧客情報の閲覧（第{n}号）",
        "Customer data viewed through shared systems in the {en} Electric Power Group (No. {n})",
    ),
    (
        "{ja}地域における委託先の個人データ管理の不備（第{n}号）",
        "Insufficient supervision of contractors handling personal data in the {en} region (No. {n})",
    ),
]
PHASES = [
    "担当部署で対応を進めています",
    "社内規程の改定案を取締役会に付議しました",
    "全従業者を対象とする研修を実施しました",
    "委託先への立入監査を完了しました",
    "システム改修の要件定義に着手しました",
    "アクセス権限の棚卸しを完了し、不要な権限を削除しました",
    "アクセスログの定期分析を開始しました",
    "本件システムの物理的分割に向けた移行計画を策定中です",
    "外部専門家による点検結果を取りまとめています",
    "次回の自己点検項目に反映しました",
]
REQUESTS = [
    "実施内容を裏付ける資料を添付してください。",
    "対象となる従業者の範囲を明記してください。",
    "完了予定日の根拠を示してください。",
    "委託先ごとの実施状況を記載してください。",
]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1",
]
# How likely each status is for an implementation, by the kind of its measure ("" = not reported).
STATUS_WEIGHTS: dict[str, dict[str, int]] = {
    MeasureKind.COMPLETED: {"done": 70, "in_progress": 14, "blocked": 3, "planned": 3, "": 10},
    MeasureKind.STANDING: {"done": 40, "in_progress": 35, "planned": 10, "blocked": 5, "": 10},
    MeasureKind.PERIODIC: {"in_progress": 55, "done": 20, "planned": 12, "blocked": 6, "": 7},
    MeasureKind.PROJECT: {"planned": 45, "in_progress": 40, "blocked": 10, "done": 2, "": 3},
}
INCIDENT_WEIGHTS = {"done": 55, "in_progress": 25, "planned": 10, "blocked": 5, "": 5}


class ScaleError(Exception):
    """The database cannot take the synthetic data as asked."""


@dataclass(frozen=True)
class Template:
    """The loaded report's case and everything shaped after it, read once from the database."""

    case: Case
    published_on: datetime.date
    groups: list[CompanyGroup]
    companies: list[Company]
    actions: list[RegulatoryAction]
    findings: list[Finding]
    measures: list[Measure]
    implementations: list[Implementation]
    pairs: list[IncidentPair]
    incidents: list[Incident]
    links: dict[str, dict[int, list[int]]]


@dataclass
class CopyRows:
    """The unsaved rows of one copy, by model, and the reads to log once their records have keys."""

    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=lambda: defaultdict(list))
    reads: list[tuple[datetime.datetime, User, models.Model]] = field(default_factory=list)


# Reading the template ---------------------------------------------------------------------------------


def _links(relation: models.ManyToManyField, sources: list[models.Model]) -> dict[int, list[int]]:
    """The targets of a many-to-many relation for each source row, in insertion order."""
    through = relation.remote_field.through
    source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    pairs = through.objects.filter(**{f"{source}__in": sources}).order_by("pk").values_list(source, target)
    links: dict[int, list[int]] = defaultdict(list)
    for source_id, target_id in pairs:
        links[source_id].append(target_id)
    return links


def _template_companies(
    links: dict[str, dict[int, list[int]]], implementations: list[Implementation], incidents: list[Incident]
) -> list[Company]:
    """The companies the case names, and every company of their groups (the contractors among them)."""
    named = {c for key in ("addressees", "affected", "pair_companies") for ids in links[key].values() for c in ids}
    named |= {i.company_id for i in implementations}
    named |= {c for i in incidents for c in (i.viewer_id, i.owner_id) if c}
    groups = Company.objects.filter(pk__in=named).values_list("group_id", flat=True)
    companies = Company.objects.filter(models.Q(group_id__in=groups) | models.Q(pk__in=named))
    return list(companies.order_by("position", "pk"))


def load_template(code: str = REPORT_CASE) -> Template:
    """Read the report's case, its shape and its reference data; refuse when `load_report` has not run."""
    case = Case.objects.filter(code=code).first()
    if case is None:
        raise ScaleError(f"case {code!r} not found: run `python manage.py load_report` first.")
    actions = list(case.actions.order_by("position", "pk"))
    findings = list(case.findings.order_by("position", "pk"))
    measures = list(Measure.objects.filter(finding__case=case).order_by("finding__position", "position", "pk"))
    implementations = list(Implementation.objects.filter(measure__in=measures).order_by("pk"))
    pairs = list(case.incident_pairs.order_by("number"))
    incidents = list(Incident.objects.filter(pair__case=case).order_by("pair__number", "number"))
    links = {
        "articles": _links(RegulatoryAction._meta.get_field("articles"), actions),
        "addressees": _links(RegulatoryAction._meta.get_field("addressees"), actions),
        "safeguards": _links(Finding._meta.get_field("safeguard_types"), findings),
        "affected": _links(Finding._meta.get_field("affected_companies"), findings),
        "pair_companies": _links(IncidentPair._meta.get_field("companies"), pairs),
    }
    companies = _template_companies(links, implementations, incidents)
    group_ids = {c.group_id for c in companies} | {p.group_id for p in pairs}
    groups = list(CompanyGroup.objects.filter(pk__in=group_ids).order_by("position", "pk"))
    published = min((a.date for a in actions if a.kind == ActionKind.PUBLICATION), default=case.opened_on)
    return Template(
        case, published, groups, companies, actions, findings, measures, implementations, pairs, incidents, links
    )


# Drawing one copy -------------------------------------------------------------------------------------


def copy_code(number: int) -> str:
    """scale-000123"""
    return f"{PREFIX}{number:06d}"


def _rng(seed: int, number: int) -> random.Random:
    """The generator of one copy: its data depends on the seed and its number only."""
    return random.Random(f"{seed}:{number}")  # noqa: S311 (synthetic test data, not security)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _at(rng: random.Random, start: datetime.date, end: datetime.datetime = HORIZON) -> datetime.datetime:
    """A whole second of office hours in Tokyo (09:00-19:00) from `start` to `end`, in UTC as the log hashes it."""
    begin = _midnight(start)
    days = max((end - begin).days, 0)
    moment = begin + datetime.timedelta(days=rng.randint(0, days), seconds=rng.randrange(10 * 3600))
    return max(min(moment, end), begin)


def _midnight(day: datetime.date) -> datetime.datetime:
    """09:00 in Tokyo on `day`, in UTC."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=UTC)


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A day between `start` and `end`, both included."""
    return start + rng.randrange(max((end - start).days, 0) + 1) * DAY


class _CopyBuilder:
    """Draws the rows of copy `number` from its own generator; nothing touches the database."""

    def __init__(self, template: Template, seed: int, number: int, staff: User) -> None:
        self.t, self.number, self.staff = template, number, staff
        self.rng = _rng(seed, number)
        self.code = copy_code(number)
        self.out = CopyRows()
        self.groups: dict[int, CompanyGroup] = {}
        self.companies: dict[int, Company] = {}
        self.officers: dict[int, User] = {}
        self.findings: dict[int, Finding] = {}
        self.measures: dict[int, Measure] = {}
        self.pairs: dict[int, IncidentPair] = {}
        self.private: list[tuple[datetime.datetime, int, models.Model]] = []

    def add(self, row: models.Model) -> models.Model:
        """Keep an unsaved row for the block's insert."""
        self.out.rows[type(row)].append(row)
        return row

    def build(self) -> CopyRows:
        """Every row of the copy, in an order fixed by the template."""
        self._places()
        self._dates()
        self._groups_and_companies()
        self._case()
        self._actions()
        self._findings_and_measures()
        self._implementations()
        self._incidents()
        self._reads()
        return self.out

    # Names and dates

    def _places(self) -> None:
        """Map each of the report's regions to a place of its own for this copy."""
        places = self.rng.sample(PLACES, len(self.t.groups))
        self.place = {g.pk: p for g, p in zip(self.t.groups, places, strict=True)}
        names: dict[str, str] = {}
        for group, (ja, en) in zip(self.t.groups, places, strict=True):
            names[group.name_ja.removesuffix("電力グループ")] = ja
            names[group.name_en.split(" ")[0]] = en
            if group.code == "kansai":  # the report's contractors are called 関電… / Kanden…
                names.update({"関電": f"{ja}電", "Kanden": f"{en}den"})
        self.names = names
        self.names_re = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))

    def rename(self, text: str) -> str:
        """The template's text with this copy's places instead of the report's regions."""
        return self.names_re.sub(lambda m: self.names[m.group(0)], text) if text else text

    def texts(self, ja: str, en: str) -> tuple[str, str]:
        """A Japanese and English text of the template, renamed and marked with the copy number."""
        if not ja:
            return ja, en
        return f"{self.rename(ja)}（第{self.number}号事案）", f"{self.rename(en)} (case No. {self.number})"

    def _dates(self) -> None:
        """The copy's opening day and the day the regulator published and began following it."""
        lag = self.t.published_on - self.t.case.opened_on
        self.opened = _date_between(self.rng, FIRST_OPENED, TODAY - lag)
        self.offset = self.opened - self.t.case.opened_on
        self.since = min(self.t.published_on + self.offset, TODAY)
        self.closed = self.since + 3 * 365 * DAY < TODAY and self.rng.random() < 0.2

    # Published records

    def _groups_and_companies(self) -> None:
        for group in self.t.groups:
            ja, en = self.place[group.pk]
            self.groups[group.pk] = self.add(
                CompanyGroup(
                    code=f"{self.code}-{group.code}",
                    name_ja=f"{ja}電力グループ",
                    name_en=f"{en} Electric Power Group",
                    position=self.number * 100 + group.position,
                )
            )
        for company in self.t.companies:
            self.companies[company.pk] = self.add(
                Company(
                    code=f"{self.code}-{company.code}",
                    name_ja=self.rename(company.name_ja),
                    name_en=self.rename(company.name_en),
                    kind=company.kind,
                    group=self.groups.get(company.group_id),
                    position=self.number * 100 + company.position,
                )
            )
            if company.kind != CompanyKind.CONTRACTOR:
                self.officers[company.pk] = self.add(self._officer(company))

    def _officer(self, company: Company) -> User:
        """The compliance officer of one regulated company: no usable password, no hashing."""
        username = f"officer-{self.code}-{company.code}"
        return User(
            username=username,
            password=UNUSABLE_PASSWORD_PREFIX + "".join(self.rng.choices("0123456789abcdef", k=40)),
            email=f"{username}@scale.invalid",
            last_name=self.rng.choice(SURNAMES),
            first_name=self.rng.choice(GIVEN_NAMES),
            role=Role.COMPANY_OFFICER,
            company=self.companies[company.pk],
            is_lead_officer=True,
            date_joined=_at(self.rng, self.since - 30 * DAY, _midnight(self.since)),
        )

    def _case(self) -> None:
        ja, en = self.rng.choice(list(self.place.values()))
        title_ja, title_en = self.rng.choice(CASE_TITLES)
        closed_on = _date_between(self.rng, self.since + 365 * DAY, TODAY) if self.closed else None
        status = CaseStatus.CLOSED if self.closed else self.rng.choice([CaseStatus.OPEN, CaseStatus.MONITORING])
        summary_ja, summary_en = self.texts(self.t.case.summary_ja, self.t.case.summary_en)
        self.case = self.add(
            Case(
                code=self.code,
                title_ja=title_ja.format(ja=ja, n=self.number),
                title_en=title_en.format(en=en, n=self.number),
                summary_ja=summary_ja,
                summary_en=summary_en,
                status=status,
                opened_on=self.opened,
                closed_on=closed_on,
            )
        )

    def _actions(self) -> None:
        for action in self.t.actions:
            title_ja, title_en = self.rename(action.title_ja), self.rename(action.title_en)
            source_ja, source_en = self.texts(action.source_ja, action.source_en)
            row = self.add(
                RegulatoryAction(
                    case=self.case,
                    code=action.code,
                    kind=action.kind,
                    date=min(action.date + self.offset, TODAY),
                    title_ja=title_ja,
                    title_en=title_en,
                    source_ja=source_ja,
                    source_en=source_en,
                    position=action.position,
                )
            )
            for article_id in self.t.links["articles"].get(action.pk, []):
                self.add(ActionArticle(regulatoryaction=row, lawarticle_id=article_id))
            for company_id in self.t.links["addressees"].get(action.pk, []):
                self.add(ActionAddressee(regulatoryaction=row, company=self.companies[company_id]))

    def _findings_and_measures(self) -> None:
        for finding in self.t.findings:
            text_ja, text_en = self.texts(finding.text_ja, finding.text_en)
            row = self.findings[finding.pk] = self.add(
                Finding(
                    case=self.case,
                    code=finding.code,
                    side=finding.side,
                    article_id=finding.article_id,
                    text_ja=text_ja,
                    text_en=text_en,
                    position=finding.position,
                )
            )
            for safeguard_id in self.t.links["safeguards"].get(finding.pk, []):
                self.add(FindingSafeguard(finding=row, safeguardtype_id=safeguard_id))
            for company_id in self.t.links["affected"].get(finding.pk, []):
                self.add(FindingCompany(finding=row, company=self.companies[company_id]))
        for measure in self.t.measures:
            text_ja, text_en = self.texts(measure.text_ja, measure.text_en)
            self.measures[measure.pk] = self.add(
                Measure(
                    finding=self.findings[measure.finding_id],
                    code=measure.code,
                    safeguard_type_id=measure.safeguard_type_id,
                    kind=measure.kind,
                    text_ja=text_ja,
                    text_en=text_en,
                    position=measure.position,
                )
            )

    # Tracked items

    def _item_dates(self, kind: str, template: Implementation) -> dict[str, datetime.date | None]:
        """A window (the report's, moved with the copy), a due date, or neither; baselines equal to them."""
        start = end = due = None
        if template.baseline_window_start is not None:
            start, end = template.baseline_window_start + self.offset, template.baseline_window_end + self.offset
        elif self.rng.random() < 0.05:
            start = self.since + self.rng.randint(30, 200) * DAY
            end = start + self.rng.randint(180, 900) * DAY
        elif self.rng.random() < (0.25 if kind == MeasureKind.COMPLETED else 0.5):
            due = self.since + self.rng.randint(60, 1100) * DAY
        return {
            "due_on": due,
            "window_start": start,
            "window_end": end,
            "baseline_due_on": due,
            "baseline_window_start": start,
            "baseline_window_end": end,
        }

    def _implementations(self) -> None:
        for template in self.t.implementations:
            measure = self.measures[template.measure_id]
            status = ItemStatus.DONE if self.closed else _weighted(self.rng, STATUS_WEIGHTS[measure.kind])
            row = self.add(
                Implementation(
                    measure=measure,
                    company=self.companies[template.company_id],
                    position=template.position,
                    status=status,
                    tracked_since=self.since,
                    **self._item_dates(measure.kind, template),
                )
            )
            if template.company_id not in self.officers:
                continue  # a contractor: no officer, no private records
            if self.closed:
                self._completion(row, template.company_id)
            elif status != ItemStatus.DONE:
                self._updates(row, template.company_id)
                self._reminder(row, template.company_id)

    def _incidents(self) -> None:
        for pair in self.t.pairs:
            self.pairs[pair.pk] = row = self.add(
                IncidentPair(
                    case=self.case,
                    number=pair.number,
                    group=self.groups[pair.group_id],
                    incident_total=pair.incident_total,
                )
            )
            for company_id in self.t.links["pair_companies"].get(pair.pk, []):
                self.add(PairCompany(incidentpair=row, company=self.companies[company_id]))
        for incident in self.t.incidents:
            self.add(self._incident(incident))

    def _incident(self, incident: Incident) -> Incident:
        """A described incident with its detail, or an undescribed one with none (as the constraints want)."""
        row = Incident(pair=self.pairs[incident.pair_id], number=incident.number, tracked_since=self.since)
        if not incident.described_in_report:
            row.described_in_report = False
            row.status = "" if self.closed or self.rng.random() < 0.8 else _weighted(self.rng, INCIDENT_WEIGHTS)
            return row
        row.status = ItemStatus.DONE if self.closed else _weighted(self.rng, INCIDENT_WEIGHTS)
        if row.status != ItemStatus.DONE and self.rng.random() < 0.4:
            row.due_on = row.baseline_due_on = self.since + self.rng.randint(60, 720) * DAY
        row.summary_ja, row.summary_en = self.texts(incident.summary_ja, incident.summary_en)
        row.fix_ja, row.fix_en = self.texts(incident.fix_ja, incident.fix_en)
        for name in ("label", "described_in_report", "mutual", "data_kind", "was_used", "involves_new_entrant_data"):
            setattr(row, name, getattr(incident, name))
        row.viewer = self.companies[incident.viewer_id] if incident.viewer_id else None
        row.owner = self.companies[incident.owner_id] if incident.owner_id else None
        return row

    # Private records

    def _narrative(self, item: Implementation, company_id: int) -> str:
        """What a company reports: the measure's opening words, the company and one step it took."""
        head = item.measure.text_ja.split("。")[0][:40]
        company = self.companies[company_id].name_ja
        return f"「{head}…」について、{company}では{self.rng.choice(PHASES)}。"

    def _update(
        self, item: Implementation, company_id: int, submitted: datetime.datetime, status: str
    ) -> ProgressUpdate:
        """One progress update by the company's officer, kept among the records its officer reads."""
        officer = self.officers[company_id]
        milestone = submitted.date() + self.rng.randint(30, 365) * DAY if self.rng.random() < 0.4 else None
        update = self.add(
            ProgressUpdate(
                implementation=item,
                company=officer.company,
                author=officer,
                status=status,
                narrative=self._narrative(item, company_id),
                next_milestone_on=None if status == ItemStatus.DONE else milestone,
                submitted_at=submitted,
            )
        )
        self.private.append((submitted, company_id, update))
        return update

    def _updates(self, item: Implementation, company_id: int) -> None:
        """One to three updates on an open item; accepted ones report its status, so that the workflow holds."""
        for submitted in sorted(_at(self.rng, self.since) for _ in range(self.rng.choice([1, 2, 2, 3]))):
            status = item.status or self.rng.choice([ItemStatus.PLANNED, ItemStatus.IN_PROGRESS])
            update = self._update(item, company_id, submitted, status)
            if self.rng.random() < 0.5:
                self._review(update, accept=bool(item.status) and self.rng.random() < 0.7)

    def _completion(self, item: Implementation, company_id: int) -> None:
        """The accepted report that closed an item of a closed case, before the case closed."""
        submitted = _at(self.rng, self.since, _midnight(self.case.closed_on - 21 * DAY))
        self._review(self._update(item, company_id, submitted, ItemStatus.DONE), accept=True)

    def _review(self, update: ProgressUpdate, *, accept: bool) -> None:
        """The regulator's decision on an update: accepted, or more asked with a comment."""
        reviewed = update.submitted_at + datetime.timedelta(hours=self.rng.randint(2, 24 * 20))
        if reviewed > HORIZON:
            return
        update.review_state = ReviewState.ACCEPTED if accept else ReviewState.INFO_REQUESTED
        self.add(
            Review(
                update=update,
                company=update.company,
                reviewer=self.staff,
                decision=ReviewDecision.ACCEPT if accept else ReviewDecision.REQUEST_INFO,
                comment=("確認しました。" if self.rng.random() < 0.3 else "") if accept else self.rng.choice(REQUESTS),
                reviewed_at=reviewed,
            )
        )

    def _moment(self, item: Implementation) -> tuple[str, str, datetime.date, int]:
        """The rule, period, day and escalation of the item's latest reminder, named as the sweep names them."""
        deadline = item.window_end or item.due_on
        if deadline is not None and deadline + 7 * DAY <= TODAY:
            offset = 7 * self.rng.randint(1, min((TODAY - deadline).days // 7, 13))
            escalation = (offset >= 7) + (offset >= 28)
            return ReminderRule.OVERDUE, f"{deadline}:+{offset}", deadline + offset * DAY, escalation
        if item.window_start is not None and item.window_start <= TODAY:
            day = item.window_start + 91 * DAY * self.rng.randint(0, (TODAY - item.window_start).days // 91)
            return ReminderRule.WINDOW, f"{item.window_end}:{day}", day, 0
        if item.due_on is not None and item.due_on - 90 * DAY <= TODAY:
            days = min(d for d in (90, 30, 7, 1, 0) if item.due_on - d * DAY <= TODAY)
            return ReminderRule.APPROACHING, f"{item.due_on}:-{days}", item.due_on - days * DAY, 0
        periodic = item.measure.kind == MeasureKind.PERIODIC
        rule, every = (ReminderRule.PERIODIC, 91) if periodic else (ReminderRule.UNDATED, 30)
        day = item.tracked_since + every * DAY * self.rng.randint(1, max((TODAY - item.tracked_since).days // every, 1))
        return rule, day.isoformat(), min(day, TODAY), 0

    def _reminder(self, item: Implementation, company_id: int) -> None:
        """One ledger row per open item, sent and addressed to the officer (and regulator staff when escalated)."""
        rule, period, planned, escalation = self._moment(item)
        late = self.rng.random() < 0.05
        delay = datetime.timedelta(days=self.rng.randint(1, 3) if late else 0, minutes=self.rng.randrange(600))
        sent = min(_midnight(planned) + delay, HORIZON)
        reminder = self.add(
            Reminder(
                implementation=item,
                company=self.companies[company_id],
                rule=rule,
                period=period,
                planned_for=planned,
                escalation=escalation,
                sent_at=sent,
                addressed_on=clock.day_of(sent),
                late=sent.date() > planned,
            )
        )
        mailed = sent + datetime.timedelta(hours=self.rng.randint(0, 9))
        people = [self.officers[company_id]] + ([self.staff] if escalation >= 2 else [])
        for person in people:
            self.add(ReminderRecipient(reminder=reminder, user=person, mailed_at=mailed if mailed <= HORIZON else None))
        self.private.append((sent, company_id, reminder))

    def _reads(self) -> None:
        """About a hundred reads, each by an officer of a private record of their own company."""
        if not self.private:
            return
        for _ in range(READS_PER_COPY):
            created, company_id, record = self.rng.choice(self.private)
            at = _at(self.rng, created.date(), HORIZON)
            self.out.reads.append((max(at, created), self.officers[company_id], record))
        self.out.reads.sort(key=lambda read: read[0])


def plan_copy(template: Template, seed: int, number: int, staff: User) -> CopyRows:
    """The unsaved rows of copy `number`: the same for the same seed, whatever the database holds."""
    return _CopyBuilder(template, seed, number, staff).build()


# Writing ----------------------------------------------------------------------------------------------


@contextmanager
def explicit_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk inserts keep the drawn `submitted_at`/`reviewed_at` instead of `auto_now_add`'s clock."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _read_entry(at: datetime.datetime, officer: User, record: models.Model, ip: str, agent: str) -> AccessLogEntry:
    """An access log entry of an officer reading one private record of their company."""
    if isinstance(record, ProgressUpdate):
        path = reverse("remediation:progress_update_detail", kwargs={"pk": record.pk})
    else:
        path = reverse("remediation:reminder_list")
    return AccessLogEntry(
        at=at,
        user=officer,
        username=officer.username,
        user_company_id=officer.company_id,
        action=AccessAction.READ,
        object_type=record_label(type(record)),
        object_id=str(record.pk),
        object_company_id=record.company_id,
        method="GET",
        path=path,
        ip_address=ip,
        user_agent=agent,
    )


def access_entries(copies: list[tuple[int, CopyRows]], seed: int) -> list[AccessLogEntry]:
    """The reads of saved copies as unchained entries, each officer at an address and browser of their own."""
    entries = []
    for number, copy in copies:
        rng = random.Random(f"{seed}:{number}:access")  # noqa: S311 (synthetic test data, not security)
        where: dict[int, tuple[str, str]] = {}
        for at, officer, record in copy.reads:
            if officer.pk not in where:
                ip = f"10.{number % 250}.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}"
                where[officer.pk] = (ip, rng.choice(USER_AGENTS))
            entries.append(_read_entry(at, officer, record, *where[officer.pk]))
    return entries


def chain_and_insert(entries: list[AccessLogEntry]) -> None:
    """Chain entries after the last one, exactly as `compliance.audit._append` does, under its lock."""
    if not entries:
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        previous = AccessLogEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        previous = previous or GENESIS_HASH
        for entry in entries:
            entry.previous_hash = previous
            entry.entry_hash = previous = entry.compute_hash()
        AccessLogEntry.objects.bulk_create(entries, batch_size=BATCH)


def write_block(copies: list[tuple[int, CopyRows]], seed: int) -> Counter:
    """Insert the rows of several copies in one transaction, parents first, then their access log reads."""
    counts: Counter = Counter()
    with (
        transaction.atomic(),
        explicit_timestamps(ProgressUpdate._meta.get_field("submitted_at"), Review._meta.get_field("reviewed_at")),
    ):
        for model in INSERT_ORDER:
            rows = [row for _, copy in copies for row in copy.rows.get(model, [])]
            model.objects.bulk_create(rows, batch_size=BATCH)
            counts[model._meta.label] += len(rows)
        entries = access_entries(copies, seed)
        chain_and_insert(entries)
        counts[AccessLogEntry._meta.label] += len(entries)
    return counts


def regulator_staff() -> tuple[User, bool]:
    """The generated regulator staff member who reviews every synthetic update, and whether it is new."""
    return User.objects.get_or_create(
        username=STAFF_USERNAME,
        defaults={"role": Role.REGULATOR_STAFF, "password": UNUSABLE_PASSWORD_PREFIX, "email": "staff@scale.invalid"},
    )


def check_free(factor: int) -> None:
    """Refuse to write copies whose codes are taken already (a second run on the same database)."""
    taken = Case.objects.filter(code__in=[copy_code(n) for n in range(1, factor + 1)]).order_by("code")
    first = taken.values_list("code", flat=True).first()
    if first is not None:
        raise ScaleError(f"case {first} exists already: generate into a fresh database (migrate, load_report).")


def generate(
    factor: int, seed: int, progress: Callable[[int, int, float], None] | None = None
) -> tuple[Counter, float]:
    """Write `factor` copies of the report's case, a block per transaction; return counts and seconds."""
    began = time.perf_counter()
    template = load_template()
    check_free(factor)
    staff, created = regulator_staff()
    counts: Counter = Counter({User._meta.label: int(created)})
    for first in range(1, factor + 1, BLOCK):
        numbers = range(first, min(first + BLOCK, factor + 1))
        counts += write_block([(n, plan_copy(template, seed, n, staff)) for n in numbers], seed)
        if progress is not None:
            progress(numbers[-1], factor, time.perf_counter() - began)
    return counts, time.perf_counter() - began
