from django import template
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from learning.embeds import embed_url as _embed_url
from learning.selectors import enrollment_for as select
from learning.services import enrollment_check_eligible
from learning.session_selectors import class_sessions_for_course

register = template.Library()

KIND_ICONS = {
    "video": "play-circle",
    "article": "file-text",
    "document": "file-earmark-arrow-down",
    "image": "image",
    "quiz": "patch-question",
    "certificate": "award",
}


@register.filter
def embed_url(url: str) -> str:
    return _embed_url(url) or ""


@register.filter
def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "journal")


@register.filter
def minutes(seconds) -> str:
    seconds = int(seconds or 0)
    if seconds < 60:
        return f"{seconds} s"
    hours, mins = divmod(seconds // 60, 60)
    return f"{hours} h {mins} min" if hours else f"{mins} min"


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key) if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def percent_int(value) -> int:
    try:
        return int(float(value or 0))
    except (TypeError, ValueError):
        return 0


@register.filter
def basename(name: str) -> str:
    return str(name or "").rsplit("/", 1)[-1]


@register.simple_tag(takes_context=True)
def enrollment_for(context, course):
    """{% enrollment_for course as enrollment %}: the signed-in user's enrolment (one query) or None."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None

    return select(user=user, course=course)


BLOCKED_LABELS = {
    "course_full": _("Course full"),
    "course_ended": _("Enrolment closed"),
    "prerequisites": _("Prerequisites required"),
    "path_prerequisites": _("Earlier path courses first"),
    "suspended": _("Your enrolment is suspended"),
    "not_published": _("Enrolment opens when published"),
}


@register.simple_tag(takes_context=True)
def enrollment_blocker(context, course, enrollment=None):
    """{% enrollment_blocker course enrollment as blocker %}: why the signed-in user (or a visitor: the course
    alone) cannot enrol in, or buy, `course` now — {"code", "label", "message"} — or None.  The very rules
    of enrolment and checkout (`learning.services.enrollment_check_eligible`), so the course page's button
    is disabled with the reason before anyone pays."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    source = "free" if course.is_free else "purchase"
    try:
        enrollment_check_eligible(user=user, course=course, source=source, enrollment=enrollment)
    except ValidationError as exc:
        return {"code": exc.code, "label": BLOCKED_LABELS.get(exc.code, _("Enrolment unavailable")),
                "message": exc.messages[0]}  # fmt: skip
    return None


@register.simple_tag
def upcoming_class_sessions(course, limit: int = 5):
    """{% upcoming_class_sessions course as class_sessions %}: the course's next classroom sessions (one query)."""
    return class_sessions_for_course(course=course, upcoming_only=True)[:limit]
