"""The one Celery app.  Configuration comes from Django settings (CELERY_* names).

Without CELERY_BROKER_URL tasks run eagerly in-process, so development needs no Redis.
Periodic jobs are declared in one place, `CELERY_BEAT_SCHEDULE` in courseworx/settings.py (by task
name); django-celery-beat's DatabaseScheduler stores them at start-up.  Apps declare no schedules of
their own (tests/core/test_beat_schedule.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseworx.settings")

app = Celery("courseworx")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
