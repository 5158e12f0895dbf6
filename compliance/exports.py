"""Export of a list's rows to CSV or Excel (.xlsx): one function for every list, columns defined beside each view.

CSV is written in UTF-8 with a byte-order mark, which Excel needs to read Japanese. In both formats a text
cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
return; the first four in full width too, and behind white space or invisible characters) is written with a
leading apostrophe. Excel files are written by openpyxl in its streaming mode.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from compliance import clock

CSV, XLSX = "csv", "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
EXCEL_FIRST_DAY = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading, and the dotted attribute path or function giving each row's value."""

    header: str | Promise
    value: str | Callable[[Any], object]

    def of(self, row: object) -> object:
        """This column's value in `row`; None when a step of the path is missing."""
        if callable(self.value):
            return self.value(row)
        for name in self.value.split("."):
            row = getattr(row, name, None)
            if row is None:
                return None
        return row() if callable(row) else row


def requested_format(request: HttpRequest) -> str | None:
    """`csv` or `xlsx` when the request asks for an export (`?format=`), else None."""
    wanted = request.GET.get("format", "")
    return wanted if wanted in CONTENT_TYPES else None


def escape_formula(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before what it would read as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) or _starts_formula(_visible(text)) else text


def _visible(text: str) -> str:
    """The text from its first visible character: white space, controls and invisible ones (U+200B, U+FEFF…) skipped."""
    for index, char in enumerate(text):
        if not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf"):
            return text[index:]
    return ""


def _starts_formula(text: str) -> bool:
    """Whether the text starts with `=`, `+`, `-` or `@`, in any width (＝, ＋, －, ＠)."""
    return unicodedata.normalize("NFKC", text[:1]).startswith(FORMULA_STARTS)


def cell(value: object, file_format: str) -> object:
    """A value as the file holds it: text escaped, dates as dates in Excel and ISO in CSV, times in Tokyo."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return value if file_format == XLSX else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        # Excel has no date before 1900: an older one (stored before dates were checked) goes as its ISO text.
        return value if file_format == XLSX and value >= EXCEL_FIRST_DAY else value.isoformat()
    if isinstance(value, int | float):
        return value
    text = str(value)
    # Characters a workbook cannot hold go first, so that none of them hides a formula from the escape.
    return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", text) if file_format == XLSX else text)


def _csv_body(table: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode("utf-8")


def _xlsx_body(table: Iterable[Sequence[object]], sheet: str) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    for row in table:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    *, rows: Iterable[object], columns: Sequence[Column], file_format: str, filename: str
) -> HttpResponse:
    """The rows as a CSV or Excel download, one column per definition, with a heading row."""
    headers = [cell(str(column.header), file_format) for column in columns]
    table = [headers, *([cell(column.of(row), file_format) for column in columns] for row in rows)]
    body = _csv_body(table) if file_format == CSV else _xlsx_body(table, filename)
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    stamped = f"{filename}-{clock.today().isoformat()}.{file_format}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=stamped)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
