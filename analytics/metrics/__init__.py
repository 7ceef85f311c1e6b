"""Pure analytics over the store: one module per subject; no streamlit here."""
