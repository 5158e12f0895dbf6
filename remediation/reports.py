"""The next report, drafted from live data: writes (draft, approve), and its PDF with the Japanese font embedded.

Every page of the PDF is numbered ("3 / 12") and, until the report is approved, marked DRAFT across it; dates read
in the era form in Japanese (令和8年3月31日) and in ISO form in English; names are listed with 「、」 in Japanese and
", " in English.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cases.choices import Side
from cases.models import Case, Instrument, ReportDraft
from compliance import clock
from compliance.access import is_regulator, is_regulator_admin
from compliance.choices import ItemStatus
from compliance.eras import format_era_date, format_era_month, has_era
from compliance.i18n import in_language
from remediation.choices import MeasureKind
from remediation.publication import case_publication

if TYPE_CHECKING:
    from compliance.models import User

FONT = "NotoSansJP"
FONT_FILE = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts" / "noto-sans-jp" / "NotoSansJP_400Regular.ttf"


def report_draft_create(*, actor: User, case: Case, as_of: datetime.date) -> ReportDraft:
    """Draft the case's report as of a day from the data as it stands; regulator staff only."""
    if not is_regulator(actor):
        raise PermissionDenied(_("Only regulator staff can draft a report."))
    if as_of < case.opened_on:
        raise ValidationError({"as_of": _("The case was opened on %(day)s.") % {"day": case.opened_on.isoformat()}})
    with transaction.atomic():
        return ReportDraft.objects.create(
            case=case, as_of=as_of, content=case_publication(case=case, as_of=as_of), created_by=actor
        )


def report_draft_approve(*, actor: User, draft: ReportDraft) -> ReportDraft:
    """A regulator administrator approves a draft: it stops being marked "draft", and never changes again."""
    if not is_regulator_admin(actor):
        raise PermissionDenied(_("Only a regulator administrator can approve a report."))
    with transaction.atomic():
        locked = ReportDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.approved_at is not None:
            raise ValidationError(_("This report is approved already."))
        locked.approved_by, locked.approved_at = actor, clock.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        return locked


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))  # embedded as a subset of the glyphs used
    return FONT


def report_pdf(draft: ReportDraft, language: str) -> bytes:
    """The draft as a PDF in `language` (`ja` or `en`), A4 landscape, the Japanese font embedded."""
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=11, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=20)
    buffer = io.BytesIO()
    with translation.override(language):
        story = _story(draft, language, body, heading, title)
        document = SimpleDocTemplate(
            buffer,
            pagesize=landscape(A4),
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=12 * mm,
            title=in_language(draft.content["case"], "title", language),
            author=settings.DEFAULT_FROM_EMAIL,
        )
        document.build(story, canvasmaker=_page_canvas(font, _("DRAFT") if draft.is_draft else None))
    return buffer.getvalue()


def _page_canvas(font: str, watermark: str | None) -> type[Canvas]:
    """A canvas that numbers each page "n / total" and, for a draft, writes the watermark across every page.

    The total is known only at the end: each page's drawing is kept, then all are written with their footer.
    """

    class PageCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for page in self._pages:
                self.__dict__.update(page)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            if watermark:
                self.setFont(font, 96)
                self.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.12))
                self.translate(width / 2, height / 2)
                self.rotate(30)
                self.drawCentredString(0, -32, watermark)
                self.rotate(-30)
                self.translate(-width / 2, -height / 2)
            self.setFont(font, 8)
            self.setFillColor(colors.grey)
            self.drawRightString(width - 12 * mm, 6 * mm, f"{self._pageNumber} / {total}")
            if watermark:
                self.drawString(12 * mm, 6 * mm, watermark)
            self.restoreState()

    return PageCanvas


def _day(iso: str | None, language: str) -> str:
    """A date of the content (ISO text): 令和8年3月31日 in Japanese, 2026-03-31 in English."""
    if not iso:
        return ""
    day = datetime.date.fromisoformat(str(iso)[:10])
    return format_era_date(day) if language == "ja" and has_era(day) else day.isoformat()


def _month(iso: str | None, language: str) -> str:
    """The month of a window's start: 令和8年4月 in Japanese, 2026-04 in English."""
    if not iso:
        return ""
    day = datetime.date.fromisoformat(str(iso)[:10])
    return format_era_month(day) if language == "ja" and has_era(day) else day.isoformat()[:7]


def _names(rows: list[dict], language: str) -> str:
    """Companies' names in a list: 「、」 between them in Japanese, ", " in English."""
    return (", " if language == "en" else "、").join(in_language(row, "name", language) for row in rows)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _story(draft: ReportDraft, language: str, body, heading, title) -> list:
    content = draft.content
    draft_mark = _("DRAFT")
    mark = "" if draft.approved_at else f" [{draft_mark}]"
    story = [
        _p(in_language(content["case"], "title", language) + mark, title),
        _p(_("As of %(day)s") % {"day": _day(content["as_of"], language)}, body),
    ]
    if not content["status_public"]:
        story.append(
            _p(
                _("The status of each item is not shown: the regulator has not published the statuses of this case."),
                body,
            )
        )
    story += [Spacer(1, 4 * mm), _p(_("Timeline"), heading)]
    actions = {i.code: i.name for i in Instrument.objects.all()}
    story += [
        _p(
            f"{_day(a['date'], language)}: {actions.get(a['kind'], a['kind'])} — {in_language(a, 'title', language)}",
            body,
        )
        for a in content["actions"]
    ]
    for side in content["sides"]:
        story += [_p(str(dict(Side.choices)[side["side"]]), heading), _findings_table(side, language, body)]
    story.append(_p(_("Incidents found by the company-wide inspections"), heading))
    for pair in content["pairs"]:
        total = _("%(total)s incidents in all") % {"total": pair["incident_total"]}
        story += [
            _p(f"({pair['number']}) {in_language(pair, 'group__name', language)} — {total}", body),
            _incidents_table(pair, language, body),
        ]
    if content["status_public"]:
        story += [_p(_("Items still open"), heading), _open_items_table(content, language, body)]
    return story


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _findings_table(side: dict, language: str, style) -> Table:
    kinds, statuses = dict(MeasureKind.choices), dict(ItemStatus.choices)
    rows = [
        [
            _p(h, style)
            for h in (_("Finding"), _("Companies concerned"), _("Measures taken"), _("Companies that carried it out"))
        ]
    ]
    for finding in side["findings"]:
        concerned = _names(finding["concerned"], language)
        for index, measure in enumerate(finding["measures"] or [{}]):
            carried = "\n".join(
                in_language(c, "name", language) + (f" ({statuses.get(c['status'], '')})" if c.get("status") else "")
                for c in measure.get("implementers", [])
            )
            first = index == 0
            rows.append(
                [
                    _p(f"{finding['code']} {in_language(finding, 'text', language)}" if first else "", style),
                    _p(concerned if first else "", style),
                    _p(
                        f"{in_language(measure, 'text', language)} [{kinds.get(measure.get('kind'), '')}]"
                        if measure
                        else "—",
                        style,
                    ),
                    _p(carried, style),
                ]
            )
    return _table(rows, [80, 45, 95, 53])


def _incidents_table(pair: dict, language: str, style) -> Table:
    rows = [[_p(h, style) for h in (_("Incident"), _("Summary"), _("Fix"))]]
    for incident in pair["incidents"]:
        texts = [incident["label"], in_language(incident, "summary", language), in_language(incident, "fix", language)]
        rows.append([_p(text, style) for text in texts])
    return _table(rows, [20, 126, 127])


def _open_items_table(content: dict, language: str, style) -> Table:
    statuses = dict(ItemStatus.choices)
    rows = [[_p(h, style) for h in (_("Measure"), _("Company"), _("Date"), _("Status"))]]
    for item in content["open_items"]:
        window = item["window"]
        if window.get("end"):
            date = f"{_month(window.get('start'), language)} – {_day(window['end'], language)}"
        else:
            date = _day(window.get("due"), language) or "—"
        status = statuses.get(item["status"], _("Not reported")) if item["status"] else _("Not reported")
        rows.append(
            [
                _p(f"{item['measure']} {in_language(item, 'text', language)[:80]}", style),
                _p(in_language(item, "name", language), style),
                _p(date, style),
                _p(str(status), style),
            ]
        )
    return _table(rows, [120, 70, 50, 33])
