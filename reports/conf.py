"""Settings of the reports app, read when used (so tests can change them).  Their defaults live in
courseworx/settings.py only (from the environment; README.md's Configuration table), not here.

| name | default | meaning |
|---|---|---|
| REPORTS_DEFAULT_RANGE_DAYS | 90 | date range of a report opened without dates (today and the days before) |
| REPORTS_PAGE_SIZE | 25 | rows per page of a report table |
| REPORTS_SYNC_EXPORT_MAX_ROWS | 5000 | a CSV export with more rows runs as a Celery job (smaller ones stream at once) |
| REPORTS_PDF_MAX_ROWS | 2000 | rows printed in a PDF (the CSV has them all) |
| REPORTS_SYNC_PDF_MAX_ROWS | 500 | a PDF export with more rows runs as a Celery job (smaller: rendered at once) |
| REPORTS_EXPORT_RETENTION_DAYS | 7 | finished report exports are deleted after this many days |
| REPORTS_DATA_EXPORT_LINK_HOURS | 48 | a personal-data ZIP can be downloaded for this many hours |
| REPORTS_MOBILE_LOG_MAX_EVENTS | 100 | events per mobile-log request (more: 400) |
| REPORTS_MOBILE_LOG_MAX_BYTES | 262144 | body size of a mobile-log request (more: 413) |
| REPORTS_MOBILE_LOG_RATE | "120/minute" | throttle of the mobile-log API per user |
| REPORTS_MOBILE_LOG_RETENTION_DAYS | 90 | mobile logs older than this are deleted by the pipeline |
| REPORTS_DROP_OFF_INACTIVE_DAYS | 14 | a learner inactive this long whose last lesson is X "dropped off" at X |
| REPORTS_ROLLUPS | True | whole-site reports read the rollup tables when fresh (PostgreSQL; see reports/rollups.py) |
| REPORTS_ROLLUP_REFRESH_MINUTES | 15 | how often beat rebuilds the rollups (settings' CELERY_BEAT_SCHEDULE) |
| REPORTS_ROLLUP_MAX_AGE_MINUTES | 60 | older rollups are not used (the reports are then computed live) |
"""

from django.conf import settings


def default_range_days() -> int:
    return int(settings.REPORTS_DEFAULT_RANGE_DAYS)


def page_size() -> int:
    return int(settings.REPORTS_PAGE_SIZE)


def sync_export_max_rows() -> int:
    return int(settings.REPORTS_SYNC_EXPORT_MAX_ROWS)


def sync_pdf_max_rows() -> int:
    return int(settings.REPORTS_SYNC_PDF_MAX_ROWS)


def pdf_max_rows() -> int:
    return int(settings.REPORTS_PDF_MAX_ROWS)


def export_retention_days() -> int:
    return int(settings.REPORTS_EXPORT_RETENTION_DAYS)


def data_export_link_hours() -> int:
    return int(settings.REPORTS_DATA_EXPORT_LINK_HOURS)


def mobile_log_max_events() -> int:
    return int(settings.REPORTS_MOBILE_LOG_MAX_EVENTS)


def mobile_log_max_bytes() -> int:
    return int(settings.REPORTS_MOBILE_LOG_MAX_BYTES)


def mobile_log_rate() -> str:
    return str(settings.REPORTS_MOBILE_LOG_RATE)


def mobile_log_retention_days() -> int:
    return int(settings.REPORTS_MOBILE_LOG_RETENTION_DAYS)


def drop_off_inactive_days() -> int:
    return int(settings.REPORTS_DROP_OFF_INACTIVE_DAYS)


def rollups_enabled() -> bool:
    return bool(settings.REPORTS_ROLLUPS)


def rollup_max_age_minutes() -> int:
    return int(settings.REPORTS_ROLLUP_MAX_AGE_MINUTES)
