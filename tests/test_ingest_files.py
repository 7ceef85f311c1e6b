"""analytics.ingest: files that are not workbooks, and sheets that are skipped."""
from __future__ import annotations

import datetime as dt
import hashlib
import zipfile

import pytest

from analytics.ingest import messages as msg
from analytics.ingest import read_workbook

from ingest_fixtures import registry_rows, write_book

TODAY = dt.date(2025, 6, 15)


def _read(src, **kw):
    return read_workbook(src, today=TODAY, **kw)


def test_csv_renamed_xlsx_is_read_as_csv(tmp_path):
    p = tmp_path / "名录.xlsx"
    p.write_text("统一社会信用代码,市场主体名称,成立日期\n91630100MA0000001K,甲,2020-01-02\n", encoding="utf-8")
    r = _read(p)
    assert r.error is None and r.file == "名录.xlsx"
    assert r.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert [(s.sheet, s.dataset, len(s.frame)) for s in r.sheets] == [("名录", "entities", 1)]


def test_gbk_csv_with_only_a_header_is_a_skipped_sheet(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes("统一社会信用代码,名称\n".encode("gb18030"))
    r = _read(p)
    assert r.error is None and r.sheets[0].dataset is None
    assert "统一社会信用代码" in r.sheets[0].skipped_reason


def test_xml_that_is_not_a_spreadsheet_is_refused_with_its_reason(tmp_path):
    p = tmp_path / "导出.xls"
    p.write_text('<?xml version="1.0"?><report><row>名称</row></report>', encoding="utf-8")
    assert _read(p).error == msg.FILE_XML


def test_random_bytes(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(bytes(range(256)) * 4)
    assert _read(p).error == msg.FILE_NOT_WORKBOOK


def test_empty_file(tmp_path):
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    assert _read(p).error == msg.FILE_EMPTY


def test_missing_file(tmp_path):
    r = _read(tmp_path / "nope.xlsx")
    assert r.error == msg.FILE_NOT_FOUND.format(path=str(tmp_path / "nope.xlsx"))


def test_ole_file_that_is_not_a_readable_xls(tmp_path):
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    r = _read(p)
    assert r.error is not None and r.error.startswith("旧版 .xls 文件无法读取（")
    assert r.error.endswith("）；请用 Excel 打开后另存为 .xlsx 再上传")


def test_password_protected_workbook(tmp_path):
    # an encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream
    p = tmp_path / "locked.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
                  + b"\x00" * 500)
    assert _read(p).error == msg.FILE_ENCRYPTED


def test_zip_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert _read(p).error == msg.FILE_ZIP_NOT_WORKBOOK


def test_truncated_zip(tmp_path):
    good = write_book(tmp_path / "g.xlsx", {"名录": registry_rows()})
    p = tmp_path / "cut.xlsx"
    p.write_bytes(good.read_bytes()[:300])
    r = _read(p)
    assert r.error is not None and r.error.startswith("文件已损坏，无法解开（")


def test_bytes_source_and_file_name(tmp_path):
    p = write_book(tmp_path / "g.xlsx", {"名录": registry_rows()})
    data = p.read_bytes()
    r = _read(data, file_name="上传.xlsx")
    assert r.error is None and r.file == "上传.xlsx"
    assert r.sha256 == hashlib.sha256(data).hexdigest()
    assert r.sheets[0].dataset == "entities" and r.sheets[0].rows_read == 3


def test_xlsm_is_read(tmp_path):
    p = write_book(tmp_path / "宏.xlsm", {"名录": registry_rows()})
    r = _read(p)
    assert r.error is None and r.sheets[0].dataset == "entities"


def test_prose_hidden_empty_sheets_are_skipped_not_errors(tmp_path):
    p = write_book(tmp_path / "w.xlsx", {
        "说明": [["填报说明：本表由市场监管局导出，每月更新一次。"], ["字段含义见下。"]],
        "名录": registry_rows(),
        "旧表": registry_rows(),
        "空表": [],
        "杂项": [["甲", "乙", "丙"], [1, 2, 3]],
    }, hidden={"旧表"})
    r = _read(p)
    by = {s.sheet: s for s in r.sheets}
    assert by["说明"].skipped_reason == msg.SKIP_PROSE
    assert by["旧表"].skipped_reason == msg.SKIP_HIDDEN
    assert by["空表"].skipped_reason == msg.SKIP_EMPTY
    assert by["杂项"].skipped_reason == msg.SKIP_NO_HEADER.format(n=50, seen="「甲」、「乙」、「丙」、「1」、「2」、「3」")
    assert by["名录"].dataset == "entities"
    assert not r.has_errors
    assert all(s.problems == [] for s in r.sheets)


def test_unrecognised_headers_name_the_closest_dataset(tmp_path):
    p = write_book(tmp_path / "w.xlsx", {"表1": [["统一社会信用代码", "企业名称", "联系电话"], ["x", "y", "z"]]})
    s = _read(p).sheets[0]
    assert s.dataset is None
    assert s.skipped_reason == msg.SKIP_NO_DATASET.format(
        seen="「统一社会信用代码」、「企业名称」、「联系电话」",
        closest=msg.SKIP_CLOSEST_SEVERAL.format(options="或".join([
            msg.SKIP_CLOSEST_OPTION.format(label="市场主体名录", missing="「成立日期」"),
            msg.SKIP_CLOSEST_OPTION.format(label="规上工业企业主要指标", missing="「工业增加值 本年累计（万元）」")])))
    assert s.skipped_reason == ("未能识别为任何数据集：看到的列为 「统一社会信用代码」、「企业名称」、「联系电话」。"
                                "最接近「市场主体名录」（缺少必需的列 「成立日期」）或「规上工业企业主要指标」"
                                "（缺少必需的列 「工业增加值 本年累计（万元）」）。请检查表头，或在上传页指定数据集和列的含义")


def test_closest_dataset_alone_when_one_is_closer(tmp_path):
    p = write_book(tmp_path / "w.xlsx", {"表1": [["统一社会信用代码", "企业名称", "登记状态"], ["x", "y", "z"]]})
    s = _read(p).sheets[0]
    assert s.skipped_reason == msg.SKIP_NO_DATASET.format(
        seen="「统一社会信用代码」、「企业名称」、「登记状态」",
        closest=msg.SKIP_CLOSEST.format(label="市场主体名录", missing="「成立日期」"))


def test_dataset_hint_skips_other_sheets(tmp_path):
    p = write_book(tmp_path / "w.xlsx", {"名录": registry_rows(),
                                         "项目": [["项目名称", "项目阶段"], ["甲项目", "在建"]]})
    r = _read(p, dataset_hint="projects")
    by = {s.sheet: s for s in r.sheets}
    assert by["项目"].dataset == "projects"
    assert by["名录"].dataset is None
    assert by["名录"].skipped_reason == msg.SKIP_NOT_HINT.format(hint="招商引资项目台账", found="市场主体名录")


def test_unknown_dataset_hint_is_a_programming_error(tmp_path):
    with pytest.raises(KeyError):
        read_workbook(b"x", dataset_hint="nope")
