"""The dashboard's own helpers (streamlit side). The library in analytics/ never imports this."""
