"""Data-loading mode (seed_demo, imports): while inside `bulk_loading()`, notifications are stored
but never e-mailed, and community's posting rate limit is off.  Never used by request handling."""

import threading
from contextlib import contextmanager

_bulk = threading.local()


@contextmanager
def bulk_loading():
    """For data loading (seed_demo, imports): no posting rate limit and no e-mail while inside.
    Notifications are still stored.  Never used by request handling."""
    _bulk.on = True
    try:
        yield
    finally:
        _bulk.on = False


def bulk_loading_active() -> bool:
    return getattr(_bulk, "on", False)
