"""Reading the park's workbooks: recognise each sheet's dataset, parse it into
canonical units, and report every problem with its Excel row (see DATA.md).

    from analytics.ingest import read_workbook
    result = read_workbook("市场主体名录.xlsx")   # -> WorkbookResult
"""
from analytics.ingest.model import ERROR, WARNING, Problem, SheetResult, WorkbookResult
from analytics.ingest.reader import read_workbook

__all__ = ["read_workbook", "Problem", "SheetResult", "WorkbookResult", "ERROR", "WARNING"]
