"""A copy's private records: progress updates, reviews, reminders and the officers' reads."""

from __future__ import annotations

import datetime

from compliance import clock
from compliance.choices import ItemStatus
from config.scale.draw import _at, _midnight
from config.scale.plan import DAY, HORIZON, READS_PER_COPY, TODAY
from config.scale.words import PHASES, REQUESTS
from remediation.choices import MeasureKind, ReminderRule, ReviewDecision, ReviewState
from remediation.models import Implementation, ProgressUpdate, Reminder, ReminderRecipient, Review


class PrivateRecords:
    """The records only a company and the regulator see, and the reads of them to log."""

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
