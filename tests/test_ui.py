"""app_lib.ui: reading chart clicks (the selection state st.plotly_chart returns)."""
from app_lib import ui


def test_selected_values_reads_points_in_order_without_duplicates():
    state = {"selection": {"points": [{"x": "开工", "y": 17}, {"x": "签约", "y": 30}, {"x": "开工", "y": 17}],
                           "point_indices": [2, 1, 2]}}
    assert ui.selected_values(state, "x") == ["开工", "签约"]
    assert ui.selected_values(state, "y") == [17, 30]


def test_selected_values_of_no_selection_is_empty():
    assert ui.selected_values(None) == []
    assert ui.selected_values({"selection": {"points": []}}) == []
    assert ui.selected_values({}) == []


def test_customdata_takes_the_first_item():
    state = {"selection": {"points": [{"customdata": ["医疗器械"]}]}}
    assert ui.selected_values(state, "customdata") == ["医疗器械"]
