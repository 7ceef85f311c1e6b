"""analytics.sectors: code normalisation, longest-prefix mapping, free-text sectors, the mapping file."""
import pytest

from analytics import sectors


def test_codes_get_their_section_letter_back():
    assert sectors.normalise_industry_code("3581") == "C3581"
    assert sectors.normalise_industry_code(" ｃ３５８１ ") == "C3581"
    assert sectors.normalise_industry_code("6450") == "I6450"
    assert sectors.normalise_industry_code("") is None


def test_longest_prefix_wins_and_unmatched_is_other():
    mapping = {"C35": "其他", "C358": "医疗器械", "C27": "医药"}
    assert sectors.sector_for_code("C3581", mapping) == "医疗器械"
    assert sectors.sector_for_code("C3511", mapping) == "其他"
    assert sectors.sector_for_code("2710", mapping) == "医药"
    assert sectors.sector_for_code(None, mapping) == "其他"


def test_default_mapping_file_matches_data_md():
    m = sectors.load_mapping()
    assert [sectors.sector_for_code(c, m) for c in ("C3581", "C2720", "C1410", "I6450", "M7320", "F5191")] == [
        "医疗器械", "医药", "食品保健品", "绿色算力", "生产性服务业", "其他"]


def test_free_text_sectors():
    assert sectors.sector_from_text("生物医药") == "医药"
    assert sectors.sector_from_text("医疗器械产业") == "医疗器械"
    assert sectors.sector_from_text("生产性服务") == "生产性服务业"
    assert sectors.sector_from_text("房地产") is None


def test_a_wrong_sector_in_the_mapping_file_names_the_line(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("prefix,sector\nC27,医药\nC13,食品\n", encoding="utf-8")
    with pytest.raises(ValueError, match="第3行：产业“食品”不是 医疗器械、医药、食品保健品、生产性服务业、绿色算力、其他 之一"):
        sectors.load_mapping(path)
