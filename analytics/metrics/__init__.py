"""Pure analytics over the store: one module per subject; no streamlit here.

The date helpers pages and the briefing need to name the same windows as the library are public here."""
from analytics.metrics._common import month_end, one_year_before

__all__ = ["month_end", "one_year_before"]
