"""The one Celery app.  Configuration comes from Django settings (CELERY_* names).

Without CELERY_BROKER_URL tasks run eagerly in-process, so development needs no Redis.
Periodic jobs are declared in code (CELERY_BEAT_SCHEDULE entries registered by each app's
`tasks.py`) and stored by django-celery-beat's DatabaseScheduler.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseworx.settings")

app = Celery("courseworx")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
