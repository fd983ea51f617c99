"""Scheduled reports: who is due, and the e-mail with the report attached.

- weekly: sent on Mondays, covering the previous Monday-Sunday;
- monthly: sent on the 1st, covering the previous calendar month.
A subscription is due when its day has come and it was not sent since the start of that day
(running the beat task twice sends nothing twice).  Access is checked again at sending time: a
subscriber who lost the duty has the subscription switched off.
"""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from .exports import csv_lines, export_filename, render_pdf
from .filters import report_params
from .models import ReportSubscription
from .permissions import can_view_report
from .reports import get_report


def period_for(frequency: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if frequency == ReportSubscription.Frequency.MONTHLY:
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    start = today - dt.timedelta(days=today.weekday() + 7)
    return start, start + dt.timedelta(days=6)


def due_subscriptions(now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    frequencies = []
    if today.weekday() == 0:
        frequencies.append(ReportSubscription.Frequency.WEEKLY)
    if today.day == 1:
        frequencies.append(ReportSubscription.Frequency.MONTHLY)
    return ReportSubscription.objects.filter(is_active=True, frequency__in=frequencies).filter(
        Q(last_sent_at__isnull=True) | Q(last_sent_at__lt=day_start)
    )


def subscription_send(*, subscription_id: int, now=None) -> bool:
    now = now or timezone.now()
    sub = ReportSubscription.objects.select_related("user").get(pk=subscription_id)
    report = get_report(sub.report)
    if report is None or not sub.user.is_active or not can_view_report(sub.user, sub.report):
        ReportSubscription.objects.filter(pk=sub.pk).update(is_active=False, updated_at=now)
        return False
    date_from, date_to = period_for(sub.frequency, timezone.localdate(now))
    data = {**sub.filters, "date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    params, _ = report_params(user=sub.user, report=sub.report, data=data)
    if sub.format == "csv":
        content = "".join(csv_lines(report, params)).encode("utf-8")
        mimetype = "text/csv"
    else:
        content, _rows = render_pdf(report, params, user=sub.user)
        mimetype = "application/pdf"
    summary = "\n".join(f"- {k.label}: {k.display}" for k in report.summary(params))
    period = f"{date_from:%d %b} – {date_to:%d %b %Y}"
    hello = gettext("Hello %(name)s,") % {"name": sub.user.first_name}
    attached = gettext("Your report “%(title)s” for %(period)s is attached (%(frequency)s).") % {
        "title": report.title,
        "period": period,
        "frequency": sub.get_frequency_display(),
    }
    manage = gettext("Manage your subscriptions on the Reports page.")
    message = EmailMessage(
        subject=f"{report.title}: {period}",
        body=f"{hello}\n\n{attached}\n\n{summary}\n\n{manage}",
        to=[sub.user.email],
    )
    message.attach(export_filename(report, params, sub.format), content, mimetype)
    message.send()
    ReportSubscription.objects.filter(pk=sub.pk).update(last_sent_at=now, updated_at=now)
    return True
