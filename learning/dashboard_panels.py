"""Panels that areas of learning add to the dashboards without editing the dashboard views or templates.

Each entry is (template, dotted path of a selector `f(*, user) -> dict | None`).  The dashboard calls
the selector and includes the template with the dict as `panel`; `None` hides the panel (nothing to
show, or the user may not see it).  Keep each selector to a fixed number of queries.
"""

from django.utils.module_loading import import_string

# The student dashboard ("My learning"), right-hand column, in this order.
STUDENT_PANELS: list[tuple[str, str]] = [
    ("learning/gamification/_dashboard_panel.html", "learning.gamification_selectors.dashboard_panel"),
    ("learning/career_paths/panel.html", "learning.career_paths_selectors.career_paths_panel"),
    ("learning/mentorships/panel.html", "learning.mentorship_selectors.student_mentoring_panel"),
    ("learning/recommendations/panel.html", "learning.recommendations_selectors.recommendations_panel"),
    ("learning/exams/panel.html", "learning.exams_selectors.exams_dashboard_panel"),
]

# The teaching dashboard, below the course table, in this order.
INSTRUCTOR_PANELS: list[tuple[str, str]] = [
    ("learning/mentorships/panel.html", "learning.mentorship_selectors.instructor_mentoring_panel"),
    ("learning/exams/review_panel.html", "learning.exams_selectors.exams_review_panel"),
]


def panels_for(entries: list[tuple[str, str]], *, user) -> list[tuple[str, dict]]:
    """The (template, context) pairs of the panels this user sees."""
    shown = []
    for template, selector_path in entries:
        context = import_string(selector_path)(user=user)
        if context is not None:
            shown.append((template, context))
    return shown
