#!/usr/bin/python3
"""What a workbook looks like to openpyxl (an independent reader), as JSON.

Usage: inspect_xlsx.py BOOK.xlsx
       inspect_xlsx.py --fill BOOK.xlsx OUT.xlsx   (a clerk's edit; see fill())

Run with Debian's /usr/bin/python3 (python3-openpyxl). The C++ tests
(workbook_write_test.cpp) read the JSON and check sheets, headers, frozen panes,
drop-down lists, widths and number formats of what kiosk-feed wrote.
"""
import datetime
import json
import sys

import openpyxl
from openpyxl.utils import get_column_letter


def value_json(cell):
    v = cell.value
    if isinstance(v, datetime.datetime):
        return {"datetime": v.isoformat(timespec="seconds")}
    if isinstance(v, datetime.date):
        return {"date": v.isoformat()}
    return v


def inspect(path):
    book = openpyxl.load_workbook(path)
    sheets = []
    for ws in book.worksheets:
        header = []
        for cell in ws[1]:
            header.append({
                "name": cell.value,
                "bold": bool(cell.font.b),
                "note": cell.comment.text if cell.comment else None,
            })
        widths = {}
        for i in range(1, ws.max_column + 1):
            letter = get_column_letter(i)
            dim = ws.column_dimensions.get(letter)
            widths[letter] = dim.width if dim is not None and dim.width else None
        validations = []
        for dv in ws.data_validations.dataValidation:
            validations.append({
                "range": str(dv.sqref),
                "type": dv.type,
                "list": dv.formula1,
                "error_style": dv.errorStyle or "stop",
            })
        rows = []
        for row in ws.iter_rows(min_row=2):
            rows.append([{
                "value": value_json(c),
                "format": c.number_format,
                "wrap": bool(c.alignment.wrap_text),
            } for c in row])
        sheets.append({
            "name": ws.title,
            "freeze": ws.freeze_panes,
            "header": header,
            "widths": widths,
            "validations": validations,
            "rows": rows,
        })
    return {"sheets": sheets}


def fill(path, out):
    """What a clerk does with the template: a second class, its scores, a notice typed as text."""
    book = openpyxl.load_workbook(path)
    book["班级"].append(["三年级三班", None, None, "吴建国"])
    scores = book["流动红旗"]
    scores.append([1, None, "三年级三班", 18, 19.5, 20, 19, 18.5, None])
    scores.append([3, "2026/9/14", "三年级二班", 19, 19.5, 19.5, 19, 17.5, None])
    scores.append([3, "2026/9/14", "三年级三班", 17.5, 19.5, 18, 19, 20, "卫生保持得好"])
    book["通知"].append(["通知", "本周五开展防火、防地震应急疏散演练", "11月20日（周五）第二节课后开展应急疏散演练。",
                       "2026-11-18 07:00", "2026-11-20 12:00", "教室\n走廊", None])
    book["活动"].append(["期末考试", datetime.date(2027, 1, 14), "08:00", "各班教室", None])
    book.save(out)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--fill":
        fill(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 2:
        json.dump(inspect(sys.argv[1]), sys.stdout, ensure_ascii=False)
    else:
        sys.exit(__doc__)
