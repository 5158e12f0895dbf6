"""Cases made with the ORM, beside the loaded report: the product must work for any case, not only the first."""

from __future__ import annotations

import datetime

from cases.choices import CaseStatus, Side
from cases.models import Case, Finding, Instrument, Law, LawArticle, RegulatoryAction, SafeguardType
from compliance import clock
from compliance.choices import ItemStatus
from compliance.models import Company
from remediation.choices import MeasureKind
from remediation.models import Implementation, Measure

SECOND_TITLE_JA = "第二事案：検針データの目的外閲覧"
SECOND_TITLE_EN = "Second case: meter data viewed beyond its purpose"


def second_case(
    *,
    code: str = "second-case",
    companies: tuple[str, str] = ("kansai-td", "kansai-retail"),
    due_in_days: int = 20,
) -> Case:
    """A second case, published: one action (no source text), one finding, one measure carried out by two companies.

    The first company's implementation is open, due `due_in_days` from today; the second's is done. The case has
    no summary and no incident pair.
    """
    opened = datetime.date(2026, 4, 1)
    first, second = (Company.objects.get(code=c) for c in companies)
    case = Case.objects.create(
        code=code,
        title_ja=SECOND_TITLE_JA,
        title_en=SECOND_TITLE_EN,
        status=CaseStatus.OPEN,
        opened_on=opened,
        published=True,
        law=Law.objects.get(code="appi"),
    )
    action = RegulatoryAction.objects.create(
        case=case,
        code="2026-04-01-guidance",
        instrument=Instrument.objects.get(code="guidance"),
        date=opened,
        title_ja="指導",
        title_en="Guidance",
    )
    action.addressees.set([first, second])
    finding = Finding.objects.create(
        case=case,
        code="s2-1",
        side=Side.TD_OPERATOR,
        text_ja="検針データへのアクセス権限の管理が不十分であった。",
        text_en="Access rights to meter data were not managed well enough.",
    )
    finding.articles.set([LawArticle.objects.get(code="appi-23")])
    technical = SafeguardType.objects.get(code="technical")
    finding.safeguard_types.set([technical])
    finding.affected_companies.set([first, second])
    measure = Measure.objects.create(
        finding=finding,
        code="s2-1-m1",
        safeguard_type=technical,
        kind=MeasureKind.STANDING,
        text_ja="アクセス権限を棚卸しすることとした。",
        text_en="Decided to review access rights.",
    )
    due = clock.today() + datetime.timedelta(days=due_in_days)
    Implementation.objects.create(
        measure=measure,
        company=first,
        status=ItemStatus.IN_PROGRESS,
        due_on=due,
        baseline_due_on=due,
        tracked_since=opened,
        position=0,
    )
    Implementation.objects.create(
        measure=measure, company=second, status=ItemStatus.DONE, tracked_since=opened, position=1
    )
    return case
