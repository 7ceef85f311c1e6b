"""Edge files from the upload issue: a macro-enabled workbook with a real VBA part, and a sheet
with tens of thousands of empty but formatted rows after the data."""
from __future__ import annotations

import zipfile

from openpyxl import Workbook
from openpyxl.styles import Border, PatternFill, Side

from analytics.ingest import read_workbook

HEADER = ["统一社会信用代码", "企业名称", "成立日期", "登记状态"]
ROW = ["91630100MA752YCQ37", "青海甲公司", "2025-06-01", "存续"]


def test_empty_formatted_rows_are_not_data(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(HEADER)
    ws.append(ROW)
    fill, border = PatternFill("solid", fgColor="FFFF00"), Border(left=Side(style="thin"))
    for r in range(3, 20003):  # 20,000 styled rows without a value
        for c in range(1, 5):
            ws.cell(r, c).fill = fill
            ws.cell(r, c).border = border
    wb.save(tmp_path / "fmt.xlsx")
    result = read_workbook(tmp_path / "fmt.xlsx")
    sheet = result.sheets[0]
    assert result.error is None and sheet.dataset == "entities"
    assert sheet.rows_read == 1 and not sheet.problems and len(sheet.frame) == 1


def test_macro_workbook_data_is_read_and_the_macro_is_ignored(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(HEADER)
    ws.append(ROW)
    wb.save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as zin, zipfile.ZipFile(tmp_path / "宏.xlsm", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 1000)
    result = read_workbook(tmp_path / "宏.xlsm")
    assert result.error is None
    assert result.sheets[0].frame["uscc"].tolist() == ["91630100MA752YCQ37"]
