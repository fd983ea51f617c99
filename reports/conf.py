"""Settings of the reports app, each read with a default (the lead adds them to settings.py as needed).

| name | default | meaning |
|---|---|---|
| REPORTS_DEFAULT_RANGE_DAYS | 90 | date range of a report opened without dates (today and the days before) |
| REPORTS_PAGE_SIZE | 25 | rows per page of a report table |
| REPORTS_SYNC_EXPORT_MAX_ROWS | 5000 | a CSV export with more rows runs as a Celery job (smaller ones stream at once) |
| REPORTS_PDF_SYNC_MAX_ROWS | 300 | a PDF export with more rows runs as a Celery job |
| REPORTS_PDF_MAX_ROWS | 2000 | rows printed in a PDF (the CSV has them all) |
| REPORTS_EXPORT_RETENTION_DAYS | 7 | finished report exports are deleted after this many days |
| REPORTS_DATA_EXPORT_LINK_HOURS | 48 | a personal-data ZIP can be downloaded for this many hours |
| REPORTS_MOBILE_LOG_MAX_EVENTS | 100 | events per mobile-log request (more: 400) |
| REPORTS_MOBILE_LOG_MAX_BYTES | 262144 | body size of a mobile-log request (more: 413) |
| REPORTS_MOBILE_LOG_RATE | "120/minute" | throttle of the mobile-log API per user |
| REPORTS_MOBILE_LOG_RETENTION_DAYS | 90 | mobile logs older than this are deleted by the pipeline |
| REPORTS_DROP_OFF_INACTIVE_DAYS | 14 | a learner inactive this long whose last lesson is X "dropped off" at X |
| REPORTS_ROLLUPS | True | whole-site reports read the rollup tables when fresh (PostgreSQL; see reports/rollups.py) |
| REPORTS_ROLLUP_REFRESH_MINUTES | 15 | how often Celery beat rebuilds the rollups |
| REPORTS_ROLLUP_MAX_AGE_MINUTES | 60 | older rollups are not used (the reports are then computed live) |
"""

from django.conf import settings


def _get(name: str, default):
    return getattr(settings, name, default)


def default_range_days() -> int:
    return int(_get("REPORTS_DEFAULT_RANGE_DAYS", 90))


def page_size() -> int:
    return int(_get("REPORTS_PAGE_SIZE", 25))


def sync_export_max_rows() -> int:
    return int(_get("REPORTS_SYNC_EXPORT_MAX_ROWS", 5000))


def pdf_sync_max_rows() -> int:
    return int(_get("REPORTS_PDF_SYNC_MAX_ROWS", 300))


def pdf_max_rows() -> int:
    return int(_get("REPORTS_PDF_MAX_ROWS", 2000))


def export_retention_days() -> int:
    return int(_get("REPORTS_EXPORT_RETENTION_DAYS", 7))


def data_export_link_hours() -> int:
    return int(_get("REPORTS_DATA_EXPORT_LINK_HOURS", 48))


def mobile_log_max_events() -> int:
    return int(_get("REPORTS_MOBILE_LOG_MAX_EVENTS", 100))


def mobile_log_max_bytes() -> int:
    return int(_get("REPORTS_MOBILE_LOG_MAX_BYTES", 256 * 1024))


def mobile_log_rate() -> str:
    return str(_get("REPORTS_MOBILE_LOG_RATE", "120/minute"))


def mobile_log_retention_days() -> int:
    return int(_get("REPORTS_MOBILE_LOG_RETENTION_DAYS", 90))


def drop_off_inactive_days() -> int:
    return int(_get("REPORTS_DROP_OFF_INACTIVE_DAYS", 14))


def rollups_enabled() -> bool:
    return bool(_get("REPORTS_ROLLUPS", True))


def rollup_refresh_minutes() -> int:
    return int(_get("REPORTS_ROLLUP_REFRESH_MINUTES", 15))


def rollup_max_age_minutes() -> int:
    return int(_get("REPORTS_ROLLUP_MAX_AGE_MINUTES", 60))
