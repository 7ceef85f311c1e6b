"""Blank templates: canonical headers, the 填写说明 notes sheet and drop-down lists, per dataset."""
from __future__ import annotations

import openpyxl
import pytest

from analytics.schema import DATASETS
from analytics.templates import NOTES_HEADER, NOTES_SHEET, write_template


def _load(tmp_path, name):
    path = write_template(name, tmp_path / "sub" / f"{name}.xlsx")
    assert path.exists()
    return openpyxl.load_workbook(path)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_headers_are_the_schema_labels_in_order(tmp_path, name):
    wb = _load(tmp_path, name)
    ds = DATASETS[name]
    assert wb.sheetnames == [ds.label, NOTES_SHEET]
    ws = wb[ds.label]
    assert [c.value for c in ws[1]] == [f.label for f in ds.fields]
    assert ws.max_row == 1  # blank below the header


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_notes_sheet_has_one_row_per_field(tmp_path, name):
    wb = _load(tmp_path, name)
    ds = DATASETS[name]
    rows = list(wb[NOTES_SHEET].iter_rows(values_only=True))
    h = rows.index(tuple(NOTES_HEADER))
    body = rows[h + 1:]
    assert [r[0] for r in body] == [f.label for f in ds.fields]
    assert [r[3] for r in body] == ["是" if f.required else "否" for f in ds.fields]
    assert [r[4] or "" for r in body] == ["、".join(f.allowed) for f in ds.fields]
    assert all(r[1] for r in body)  # every field has a meaning


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_drop_downs_on_closed_columns_only(tmp_path, name):
    wb = _load(tmp_path, name)
    ds = DATASETS[name]
    ws = wb[ds.label]
    got = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        for rng in dv.sqref.ranges:
            header = ws.cell(1, rng.min_col).value
            assert (rng.min_row, rng.max_row) == (2, 1048576)
            got[header] = dv.formula1
    assert got == {f.label: '"' + ",".join(f.allowed) + '"' for f in ds.fields if f.allowed}


def test_entities_template_in_detail(tmp_path):
    wb = _load(tmp_path, "entities")
    ws = wb["市场主体名录"]
    assert [c.value for c in ws[1]][:5] == ["统一社会信用代码", "市场主体名称", "主体类型", "成立日期", "登记状态"]
    notes = {r[0]: r for r in wb[NOTES_SHEET].iter_rows(values_only=True) if r and r[0]}
    assert notes["登记状态"][4] == "存续、注销、吊销、撤销、迁出"
    assert notes["主体类型"][4] == "企业、个体工商户、农民专业合作社"
    assert notes["统一社会信用代码"][3] == "是"
    assert notes["统一社会信用代码"][1].startswith("18位统一社会信用代码")
    assert notes["统一社会信用代码"][5] == "社会统一信用代码、社会信用代码、信用代码、统一代码、统一社会信用代码/注册号"
    assert notes["注册资本（万元）"][2].startswith("万元")
    assert notes["注册资本（万元）"][3] == "否"
    assert wb[NOTES_SHEET]["A1"].value == "市场主体名录（数据来源：市场监管部门登记系统）"


def test_projects_stage_drop_down_lists_the_five_stages(tmp_path):
    wb = _load(tmp_path, "projects")
    ws = wb["招商引资项目台账"]
    (dv,) = [d for d in ws.data_validations.dataValidation]
    assert dv.formula1 == '"洽谈,签约,开工,投产,停滞"'
    assert str(dv.sqref) == "H2:H1048576"  # 项目阶段 is the 8th column
    assert dv.error == "“项目阶段”只能是：洽谈、签约、开工、投产、停滞"
    assert dv.allow_blank is False  # required


def test_unknown_dataset_names_the_allowed_ones(tmp_path):
    with pytest.raises(KeyError) as err:
        write_template("nonsense", tmp_path / "x.xlsx")
    assert "未知数据集 “nonsense”" in str(err.value)
    assert "entities" in str(err.value) and "projects" in str(err.value)
    assert not (tmp_path / "x.xlsx").exists()


def test_code_and_period_columns_are_text_and_date_columns_dates(tmp_path):
    # an 18-digit code typed into a General cell would become a number; periods such as
    # "2025年1-5月" must stay as typed
    wb = _load(tmp_path, "industrial")
    ws = wb["规上工业企业主要指标"]
    fmt = {ws.cell(1, c).value: ws.column_dimensions[ws.cell(1, c).column_letter].number_format
           for c in range(1, ws.max_column + 1)}
    assert fmt["报告期"] == "@"
    assert fmt["统一社会信用代码"] == "@"
    assert fmt["国民经济行业代码"] == "@"
    assert fmt["工业增加值 本年累计（万元）"] == "General"
    wb = _load(tmp_path, "projects")
    ws = wb["招商引资项目台账"]
    assert ws.column_dimensions["G"].number_format == "yyyy-mm-dd"  # 签约时间
    assert ws.cell(1, 7).value == "签约时间"
