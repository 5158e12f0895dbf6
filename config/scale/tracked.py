"""A copy's tracked items: implementations and incidents, with their statuses and dates."""

from __future__ import annotations

import datetime

from cases.models import Incident, IncidentPair
from compliance.choices import ItemStatus
from config.scale.draw import _weighted
from config.scale.plan import DAY, PairCompany
from config.scale.words import INCIDENT_WEIGHTS, STATUS_WEIGHTS
from remediation.choices import MeasureKind
from remediation.models import Implementation


class TrackedItems:
    """The items a copy tracks: one implementation per measure and company, and the incidents of each pair."""

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
