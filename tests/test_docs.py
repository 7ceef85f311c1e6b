"""docs/DATA.md is generated from the schema and committed up to date."""
from analytics import docs, schema


def test_committed_data_doc_matches_the_schema():
    assert docs.DOC_PATH.read_text(encoding="utf-8") == docs.render(), "运行 python -m analytics.docs 更新 docs/DATA.md"


def test_every_header_synonym_is_documented():
    text = docs.render()
    for ds in schema.DATASETS.values():
        for f in ds.fields:
            assert all(s in text for s in f.synonyms)
