"""A copy's names, dates and published records: groups, companies, officers, the case, actions, findings, measures."""

from __future__ import annotations

import re

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from cases.choices import CaseStatus
from cases.models import Case, Finding, RegulatoryAction
from compliance.choices import CompanyKind, Role
from compliance.models import Company, CompanyGroup, User
from config.scale.draw import _at, _date_between, _midnight
from config.scale.plan import (
    DAY,
    FIRST_OPENED,
    TODAY,
    ActionAddressee,
    ActionArticle,
    FindingArticle,
    FindingCompany,
    FindingSafeguard,
)
from config.scale.words import CASE_TITLES, GIVEN_NAMES, PLACES, SURNAMES
from remediation.models import Measure


class PublishedRecords:
    """The rows of a copy that the regulator publishes, and the names and dates they share."""

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
                    instrument_id=action.instrument_id,
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
                    text_ja=text_ja,
                    text_en=text_en,
                    position=finding.position,
                )
            )
            for article_id in self.t.links["finding_articles"].get(finding.pk, []):
                self.add(FindingArticle(finding=row, lawarticle_id=article_id))
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
