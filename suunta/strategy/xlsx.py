"""The strategy map as an XLSX workbook: the table view's rows, built from the same
context as the page (map.strategy_map), and the year's budget targets no goal links to.

Every cell is written as text or a number, never as a formula: a title that starts with
"=" stays a title in the spreadsheet.
"""

from io import BytesIO

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (28, 10, 40, 40, 32, 28, 50)


def headers() -> list[str]:
    return [
        _("Theme"),
        _("Number"),
        _("Objective"),
        _("Goal"),
        _("Plan"),
        _("Follow-up"),
        _("Budget targets and realisation"),
    ]


def row_values(row) -> list[str]:
    """One table row as the page shows it, as text."""
    objective = row.objective.objective
    values = [row.theme.title, objective.number, objective.display_title]
    goal = row.goal
    if goal is None:
        return [*values, _("No goal (gap)"), "", "", ""]
    plan = goal.plan.display_title
    if not goal.version.is_frozen:
        plan = f"{plan} ({goal.version.get_status_display().lower()})"
    title = goal.goal.display_title
    if goal.linked_version is not None:
        title += " " + _("(links to version %(number)s)") % {"number": goal.linked_version}
    if row.serves is not None:
        title += " " + _("(serves “%(title)s”)") % {"title": row.serves.goal.display_title}
    return [
        *values,
        title,
        plan,
        goal.followup.summary if goal.followup else "",
        "\n".join(line.summary for line in goal.budget),
    ]


def _append(sheet, values, bold=False) -> None:
    sheet.append([None] * len(values))
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = str(value)
        cell.data_type = TYPE_STRING  # never a formula
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)


def _sheet(sheet, header: list[str], rows) -> None:
    _append(sheet, header, bold=True)
    for values in rows:
        _append(sheet, values)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS[: len(header)]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def workbook(context: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Strategy map")[:31]
    _sheet(sheet, headers(), [row_values(row) for row in context["rows"]])
    unlinked = book.create_sheet(_("Budget targets without a goal")[:31])
    _sheet(
        unlinked,
        [_("Budget target"), _("Body"), _("Indicators and realisation")],
        [
            [
                line.target.display_title,
                line.target.body.display_short,
                "\n".join(figure.summary for figure in line.figures),
            ]
            for line in context["unlinked_targets"]
        ],
    )
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def filename(context: dict) -> str:
    organization = context["organization"]
    return f"{slugify(_('strategy map'))}-{organization.slug}-{context['year'] or ''}.xlsx"
