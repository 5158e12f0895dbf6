"""One copy drawn whole: its generator and the rows of every kind, unsaved."""

from __future__ import annotations

import datetime

from django.db import models

from cases.models import Finding, IncidentPair
from compliance.models import Company, CompanyGroup, User
from config.scale.draw import _rng
from config.scale.plan import CopyRows, copy_code
from config.scale.private import PrivateRecords
from config.scale.published import PublishedRecords
from config.scale.template import Template
from config.scale.tracked import TrackedItems
from remediation.models import Measure


class _CopyBuilder(PublishedRecords, TrackedItems, PrivateRecords):
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


def plan_copy(template: Template, seed: int, number: int, staff: User) -> CopyRows:
    """The unsaved rows of copy `number`: the same for the same seed, whatever the database holds."""
    return _CopyBuilder(template, seed, number, staff).build()
