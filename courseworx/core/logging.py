"""Log records carry the request id; production logs are JSON lines.

`settings.LOGGING` attaches `RequestIdFilter` to the console handler (every record gets `request_id`,
"-" outside a request or task) and picks the formatter from `LOG_FORMAT`: `plain` (the default, for
development) or `json` (`JsonFormatter`: one JSON object per line for a log collector).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from .requestid import get_request_id

# Attributes every LogRecord has; anything else was passed with `extra=` and goes into the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = get_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    exception's traceback when there is one, and any `extra=` values (as strings when not JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or get_request_id() or "-",
        }
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack_info"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in data:
                data[key] = value
        return json.dumps(data, default=str, ensure_ascii=False)
