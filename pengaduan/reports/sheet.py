"""The report tables as a spreadsheet: xlsx (openpyxl, one sheet per table) or CSV.

Numbers stay numbers (a share is 0.875 shown as 87,5 %, minutes a number of minutes), dates are
dates, times naive WIB datetimes. Text is always written as text: a label starting with '=' is
never a formula. Same tables, same bytes: the workbook's dates are the data's moment and the zip
entries carry that moment too (openpyxl stamps "now" otherwise).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, timezone

from pengaduan.reports.tables import DATE, DATETIME, MINUTES, SHARE, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {SHARE: "0.0%", MINUTES: "0.0", DATE: "DD/MM/YYYY", DATETIME: "DD/MM/YYYY HH:MM"}


def to_xlsx(tables: Sequence[Table], moment: datetime) -> bytes:
    """An xlsx workbook with one sheet per table; `moment` (from the data) dates it."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    book = Workbook()
    book.remove(book.active)
    # Document properties are UTC (openpyxl's convention); the zip entries get the local moment.
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0) if moment.tzinfo else moment
    stamp = moment.replace(tzinfo=None, microsecond=0)
    book.properties.creator = "pengaduan"
    book.properties.created = utc
    book.properties.modified = utc
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.name))
        for col, column in enumerate(table.columns, 1):
            cell = sheet.cell(row=1, column=col)
            _set_text(cell, column.header)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(table.rows):
            for c, value in enumerate(row):
                cell = sheet.cell(row=r + 2, column=c + 1)
                if isinstance(value, str):
                    _set_text(cell, value)
                    continue
                cell.value = value
                kind = table.kind(r, c)
                if isinstance(value, datetime):
                    cell.number_format = NUMBER_FORMATS[DATETIME]
                elif isinstance(value, date):
                    cell.number_format = NUMBER_FORMATS[DATE]
                elif isinstance(value, (int, float)) and kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[kind]
        for col, column in enumerate(table.columns, 1):
            widest = max([len(column.header)] + [len(str(row[col - 1])) for row in table.rows if row[col - 1] is not None])
            sheet.column_dimensions[get_column_letter(col)].width = min(60, max(10, widest + 2))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return _stamped_zip(out.getvalue(), stamp, utc)


def _set_text(cell, text: str) -> None:  # noqa: ANN001
    """Text as text: openpyxl would take '=...' for a formula."""
    cell.value = text
    cell.data_type = "s"


def _sheet_name(name: str) -> str:
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name)
    return clean[:31] or "Tabel"


MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _stamped_zip(data: bytes, stamp: datetime, utc: datetime) -> bytes:
    """The same zip with every entry dated `stamp` and the workbook's "modified" (which openpyxl
    sets to the wall clock on saving) set to the data's moment: no wall-clock time in the file."""
    when = (max(1980, stamp.year), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = MODIFIED_RE.sub(rb"\g<1>" + utc.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", content)
            target.writestr(entry, content)
    return out.getvalue()


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(tables: Sequence[Table]) -> bytes:
    """The tables one after another in one CSV file: a line naming the table, its header, its rows,
    a blank line. Numbers with a decimal point, dates as YYYY-MM-DD, times as YYYY-MM-DD HH:MM (WIB)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([f"# {table.name}"])
        writer.writerow([_csv_cell(c.header) for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")
