"""What every DOCX the app makes shares: an A4 page laid out like a Vietnamese administrative
document (Nghị định 30/2020/NĐ-CP: Times New Roman, margins top and bottom 20 mm, left 30 mm,
right 15 mm, the page number at the top from the second page), the agency name and national
motto at the top, the place-date line, paragraphs, borderless layout tables and ruled data
tables, the closing block ("Nơi nhận" and the signer), and the download's file name.

The fixed texts (agency, motto, place) are Vietnamese whatever the interface language: they are
the document's format, not the interface.
"""

import io
from datetime import date
from urllib.parse import quote

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

AGENCY = ("UBND TỈNH ĐẮK LẮK", "VĂN PHÒNG")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PLACE = "Đắk Lắk"

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT_WIDTH_MM = 210 - 30 - 15
CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT


def number_text(value: float | None, decimals: int = 2) -> str:
    """A figure as a Vietnamese document prints it: 1.234,5 (dot for thousands, decimal
    comma, no trailing zeros); "—" for none."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent_text(share: float | None) -> str:
    """A share 0..1 as a percentage with at most one decimal: "33,3%", "50%"."""
    if share is None:
        return "—"
    return f"{number_text(100 * share, 1)}%"


def place_date(day: date | None) -> str:
    """The place-date line of NĐ 30: days below 10 and months 1 and 2 take a leading zero."""
    if day is None:
        return f"{PLACE}, ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{PLACE}, ngày {day.day:02d} tháng {month} năm {day.year}"


def content_disposition(vietnamese_name: str, ascii_name: str) -> str:
    """An attachment named in Vietnamese (RFC 6266 filename*), with an ASCII fallback."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(vietnamese_name)}"


def set_fonts(style_or_run_element, name: str = "Times New Roman") -> None:
    r_pr = style_or_run_element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def new_document(title: str, author: str = ""):
    """An empty A4 document with the NĐ 30 margins, Times New Roman 14 pt, in Vietnamese."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    set_fonts(normal.element)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(language)
    normal.paragraph_format.line_spacing = 1.15
    _page_numbers(section)
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.language = "vi-VN"
    return document


def _page_numbers(section) -> None:
    """NĐ 30: the page number centred in the top margin from the second page on."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_borders(table, value: str) -> None:
    """All the table's borders: "nil" for a layout table, "single" for a data table."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            for key, setting in (("w:sz", "4"), ("w:space", "0"), ("w:color", "auto")):
                element.set(qn(key), setting)
        borders.append(element)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )


def no_borders(table) -> None:
    _set_borders(table, "nil")


def rule_below(paragraph, indent_mm: float) -> None:
    """A short solid line under the text above: an empty paragraph's bottom border, its length
    set by equal indents (NĐ 30: 1/3 to 1/2 of the agency name's line)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr"
    )
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(2)


def para(
    container,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    first_line_mm: float = 0,
    space_after: float = 6,
    keep_with_next: bool = False,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if first_line_mm:
        paragraph.paragraph_format.first_line_indent = Mm(first_line_mm)
    if keep_with_next:
        paragraph.paragraph_format.keep_with_next = True
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic, run.underline = bold, italic, underline
    return paragraph


def heading(document, text: str) -> None:
    """A section's heading ("I. ...", "1. ..."), kept on the page of what follows."""
    para(document, text, bold=True, keep_with_next=True, first_line_mm=10)


def body(document, text: str, **options):
    """A paragraph of the body, its first line indented."""
    return para(document, text, first_line_mm=10, **options)


def labelled(container, label: str, text: str, first_line_mm: float = 10):
    """ "Label: text" as one paragraph (no label: the text alone)."""
    paragraph = para(container, first_line_mm=first_line_mm)
    if label:
        paragraph.add_run(f"{label}: ").font.size = Pt(14)
    run = paragraph.add_run(text)
    run.font.size = Pt(14)
    return paragraph


def _empty_cell(cell, width_mm: float):
    cell.width = Mm(width_mm)
    # A new cell holds one empty paragraph; drop it so the cell reads as written.
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


def two_columns(document, left_mm: float):
    """A borderless table of two cells across the text width: (table, left, right)."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    no_borders(table)
    right_mm = TEXT_WIDTH_MM - left_mm
    for column, width in zip(table.columns, (left_mm, right_mm), strict=True):
        column.width = Mm(width)
    cells = table.rows[0].cells
    return table, _empty_cell(cells[0], left_mm), _empty_cell(cells[1], right_mm)


def agency_header(document) -> None:
    """Agency name top left and national motto top right, each with its short line below."""
    _table, left, right = two_columns(document, 62)
    para(left, AGENCY[0], size=13, align=CENTER, space_after=0)
    para(left, AGENCY[1], size=13, bold=True, align=CENTER, space_after=0)
    rule_below(para(left, align=CENTER, space_after=0), 19)
    para(right, MOTTO[0], size=13, bold=True, align=CENTER, space_after=0)
    para(right, MOTTO[1], size=14, bold=True, underline=True, align=CENTER, space_after=0)


def closing(document, recipients: list[str], signer: list[str], name: str = "") -> None:
    """The foot of a document: "Nơi nhận" and its list on the left; on the right the signer's
    capacity (bold capitals, one line each, e.g. "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN
    PHÒNG"), room for the signature, and the name."""
    _table, left, right = two_columns(document, 82)
    para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT, space_after=0)
    for line in recipients:
        para(left, line, size=11, align=LEFT, space_after=0)
    for line in signer:
        para(right, line, bold=True, align=CENTER, space_after=0)
    if name:
        for _blank in range(4):
            para(right, align=CENTER, space_after=0)
        para(right, name, bold=True, align=CENTER, space_after=0)


def _mark_header_row(row) -> None:
    """Repeat the row at the top of each page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def data_table(
    document,
    headers: list[str],
    rows: list[list[str]],
    widths_mm: list[float],
    *,
    size: float = 12,
    aligns: list | None = None,
    bold_last_row: bool = False,
):
    """A ruled table: a bold header row (repeated on each page), then `rows`; `aligns` gives
    each column's alignment (left by default)."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_borders(table, "single")
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    aligns = aligns or [WD_ALIGN_PARAGRAPH.LEFT] * len(headers)
    _mark_header_row(table.rows[0])
    for index, (row, values) in enumerate(zip(table.rows, [headers, *rows], strict=True)):
        is_bold = index == 0 or (bold_last_row and index == len(rows))
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _empty_cell(cell, widths_mm[column])
            align = CENTER if index == 0 else aligns[column]
            para(cell, str(value), size=size, bold=is_bold, align=align, space_after=0)
    return table


# A text starting with one of these is a formula to a spreadsheet (openpyxl even writes it as
# one): =HYPERLINK(...) in a person's name would run in the reader's Excel.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str) -> str:
    """Text that a spreadsheet shows as text: a leading = + - @ would start a formula."""
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values) -> list:
    """A workbook row whose texts all stay texts (numbers and dates are left as they are)."""
    return [cell_text(value) if isinstance(value, str) else value for value in values]


def header_row(sheet, headers, widths) -> None:
    """A workbook sheet's bold, wrapped header row, and its columns' widths."""
    from openpyxl.styles import Alignment, Font

    sheet.append(list(headers))
    for index, cell in enumerate(sheet[sheet.max_row]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = widths[index]
