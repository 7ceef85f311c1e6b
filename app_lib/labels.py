"""Chinese headers for the library's column names: defined in analytics.catalogue.labels (the catalogue's
entries use them too); re-exported here for the pages."""
from analytics.catalogue.labels import LABELS, pick  # noqa: F401
