"""The report registry: slug -> report instance (see base.Report)."""

from .activity import ActivityReport
from .attendance import AttendanceReport
from .attendance_trainees import AttendanceTraineesReport
from .base import Chart, Column, Kpi, Report, format_value
from .completion import CompletionReport
from .engagement import EngagementReport
from .revenue import RevenueReport
from .support import SupportReport
from .top_students import TopStudentsReport

REPORTS: dict[str, Report] = {
    r.slug: r
    for r in (
        CompletionReport(),
        EngagementReport(),
        TopStudentsReport(),
        ActivityReport(),
        AttendanceReport(),
        AttendanceTraineesReport(),
        SupportReport(),
        RevenueReport(),
    )
}


def get_report(slug: str) -> Report | None:
    return REPORTS.get(slug)


__all__ = ["REPORTS", "Chart", "Column", "Kpi", "Report", "format_value", "get_report"]
