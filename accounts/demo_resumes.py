"""Demo resume for `manage.py seed_demo` (idempotent): Stella's public resume, open to work, with entries.
Hannah Reed (billing's demo employer manager) can find her under "Find candidates"."""

from __future__ import annotations

import datetime as dt

from . import services_resumes as services
from .models import ResumeEntry

ENTRIES = [
    ("experience", "Customer support specialist", "Northwind Traders", dt.date(2021, 3, 1), None,
     "Answered 40+ tickets a day; wrote the team's troubleshooting guide.", None),
    ("experience", "Intern, IT help desk", "Contoso", dt.date(2020, 6, 1), dt.date(2020, 9, 30), "", None),
    ("education", "BSc Business Information Systems", "City University", dt.date(2017, 9, 1), dt.date(2020, 6, 30),
     "", None),
    ("skill", "Python", "", None, None, "", 3),
    ("skill", "SQL", "", None, None, "", 3),
    ("skill", "Customer communication", "", None, None, "", 5),
    ("project", "Ticket triage dashboard", "", dt.date(2024, 1, 1), dt.date(2024, 4, 30),
     "A small Flask app showing open tickets by priority.", None),
    ("language", "English", "", None, None, "", 5),
    ("language", "French", "", None, None, "", 3),
]  # fmt: skip


def seed(ctx: dict, log) -> None:
    stella = (ctx.get("users") or {}).get("student")
    if stella is None:
        return
    resume = services.resume_get_or_create(user=stella)
    if resume.entries.exists():
        return
    services.resume_update(
        user=stella,
        data={
            "headline": "Junior developer — support background, learning Python",
            "summary": "Three years in customer support; now learning software development on CourseWorx.",
            "location": "Lyon, France",
            "is_public": True,
            "open_to_work": True,
            "show_email": False,
            "slug": "stella-student",
        },
    )
    for kind, title, org, start, end, description, level in ENTRIES:
        services.resume_entry_create(
            user=stella, kind=kind, title=title, organisation=org, start_date=start, end_date=end,
            description=description, level=level,
        )  # fmt: skip
    log(f"  resume of {stella.email}: public at /u/stella-student/ ({ResumeEntry.objects.count()} entries)")
