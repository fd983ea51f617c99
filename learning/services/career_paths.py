"""Career paths: authoring rules (prerequisites are earlier courses of the same path: no cycles), publishing,
joining and leaving, and completing a path (its certificate, once) when its last required course is done.

Enrolment itself stays the course's own flow (`enrolment.enrollment_create`, which refuses a path member a
course whose path prerequisites they have not completed: `path_prerequisites`).  A course completion enqueues
`learning.career_paths_course_completed` on commit (`_common._progress_increment`), whose task calls
`career_path_progress_check`; `career_paths_reconcile` (beat, nightly) catches any completion that was missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create
from learning.career_paths_selectors import LIVE, can_manage_paths
from learning.models import CareerPath, Enrollment, IssuedCertificate, PathCourse, UserCareerPath

from .certificates import certificate_award

# --- Authoring ---------------------------------------------------------------------------------


def path_course_prerequisites_check(
    *, path_course: PathCourse, prerequisites: Iterable[PathCourse], positions: Mapping | None = None
) -> None:
    """Raise ValidationError (field `prerequisites`) unless every prerequisite is another course of the same
    path at an earlier position.  `positions` ({PathCourse pk: position}) gives positions being saved with it
    (the admin's inline); otherwise the stored ones count.  Only earlier ones: a cycle is impossible."""
    positions = positions or {}
    own = positions.get(path_course.pk, path_course.position)
    for prerequisite in prerequisites:
        if prerequisite.pk == path_course.pk:
            raise ValidationError({"prerequisites": _("A course cannot be its own prerequisite.")})
        if prerequisite.path_id != path_course.path_id:
            raise ValidationError({"prerequisites": _("Prerequisites must be courses of the same path.")})
        theirs = positions.get(prerequisite.pk, prerequisite.position)
        if own is None or theirs >= own:
            raise ValidationError(
                {
                    "prerequisites": _(
                        "“%(title)s” comes after this course: only earlier courses can be prerequisites."
                    )
                    % {"title": prerequisite.course.title}
                }
            )


def career_path_validate(*, path: CareerPath) -> None:
    """The whole path's prerequisites (two queries); raises the first problem."""
    entries = list(PathCourse.objects.filter(path=path).prefetch_related("prerequisites__course"))
    for entry in entries:
        path_course_prerequisites_check(path_course=entry, prerequisites=entry.prerequisites.all())


@transaction.atomic
def path_course_set_prerequisites(*, actor: User, path_course: PathCourse, prerequisites: list[PathCourse]) -> None:
    if not can_manage_paths(actor):
        raise PermissionDenied(_("You may not edit career paths."))
    path_course_prerequisites_check(path_course=path_course, prerequisites=prerequisites)
    path_course.prerequisites.set(prerequisites)


def _check_publisher(actor: User) -> None:
    if not (can_manage_paths(actor) and actor.has_perm("learning.publish_careerpath")):
        raise PermissionDenied(_("You may not publish career paths."))


@transaction.atomic
def career_path_publish(*, path: CareerPath, actor: User) -> CareerPath:
    """Publish a draft path: it needs at least one required published course and valid prerequisites (audited)."""
    _check_publisher(actor)
    path = CareerPath.objects.select_for_update().get(pk=path.pk)
    if path.is_published:
        raise ConflictError(_("This career path is already published."), code="already_published")
    if not PathCourse.objects.filter(LIVE, path=path, is_required=True).exists():
        raise ValidationError(_("Add at least one required, published course before publishing."), code="empty")
    career_path_validate(path=path)
    path.status, path.published_at = CareerPath.Status.PUBLISHED, timezone.now()
    path.save(update_fields=["status", "published_at", "updated_at"])
    audit_log_create(actor=actor, action="learning.career_path_publish", target=path)
    return path


@transaction.atomic
def career_path_unpublish(*, path: CareerPath, actor: User) -> CareerPath:
    """Back to draft: hidden from students (members keep their membership and certificates)."""
    _check_publisher(actor)
    path = CareerPath.objects.select_for_update().get(pk=path.pk)
    if not path.is_published:
        raise ConflictError(_("This career path is not published."), code="not_published")
    path.status = CareerPath.Status.DRAFT
    path.save(update_fields=["status", "updated_at"])
    audit_log_create(actor=actor, action="learning.career_path_unpublish", target=path)
    return path


# --- Joining and leaving -----------------------------------------------------------------------


@transaction.atomic
def career_path_join(*, user: User, path: CareerPath) -> UserCareerPath:
    """Join a published path (idempotent).  Joining enrols in nothing: each course keeps its own enrolment
    (free courses from the path page, paid ones through checkout).  Someone who already completed every
    required course completes the path at once."""
    if not path.is_published:
        raise ConflictError(_("This career path is not open."), code="not_published")
    membership, created = UserCareerPath.objects.get_or_create(
        user=user, path=path, defaults={"joined_at": timezone.now()}
    )
    if created:
        audit_log_create(actor=user, action="learning.career_path_join", target=path)
        _complete_if_done(membership_id=membership.pk)
        membership.refresh_from_db()
    return membership


@transaction.atomic
def career_path_leave(*, user: User, path: CareerPath) -> None:
    """Leave a path (its prerequisites stop binding); a completed path is kept with its certificate (409)."""
    membership = UserCareerPath.objects.select_for_update().filter(user=user, path=path).first()
    if membership is None:
        raise ConflictError(_("You have not joined this career path."), code="not_member")
    if membership.is_completed:
        raise ConflictError(_("You completed this career path; it stays in your record."), code="completed")
    membership.delete()
    audit_log_create(actor=user, action="learning.career_path_leave", target=path)


# --- Completion --------------------------------------------------------------------------------


def _complete_if_done(*, membership_id) -> bool:
    """Under the membership's row lock: when every required live course of the path is completed (and there
    is one), set `completed_at` and award the path certificate.  True when it completed now; never twice."""
    membership = (
        UserCareerPath.objects.select_for_update(of=("self",))
        .select_related("path", "path__certificate_template", "user")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or membership.is_completed or not membership.path.is_published:
        return False
    completed_course = Exists(
        Enrollment.objects.filter(
            user_id=membership.user_id, course_id=OuterRef("course_id"), status=Enrollment.Status.COMPLETED
        )
    )
    counts = PathCourse.objects.filter(LIVE, path_id=membership.path_id, is_required=True).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(completed_course))
    )
    if not counts["total"] or counts["done"] < counts["total"]:
        return False
    path, now = membership.path, timezone.now()
    certificate: IssuedCertificate = certificate_award(
        user=membership.user,
        kind=IssuedCertificate.Kind.PATH,
        title=path.title,
        template=path.certificate_template,
        issued_at=now,
    )
    membership.completed_at, membership.certificate = now, certificate
    membership.save(update_fields=["completed_at", "certificate", "updated_at"])
    audit_log_create(actor=None, action="learning.career_path_complete", target=path,
                     changes={"user": [None, str(membership.user_id)]})  # fmt: skip
    return True


def career_path_progress_check(*, user_id, course_id=None) -> int:
    """After a course completion (the task, on commit): complete the user's joined paths that contain the
    course (all of them without `course_id`) if it was their last required course.  Idempotent; the number
    of paths completed now."""
    memberships = UserCareerPath.objects.filter(
        user_id=user_id, completed_at__isnull=True, path__status=CareerPath.Status.PUBLISHED
    )
    if course_id is not None:
        memberships = memberships.filter(path__path_courses__course_id=course_id)
    completed = 0
    for membership_id in memberships.values_list("pk", flat=True).distinct():
        with transaction.atomic():
            completed += _complete_if_done(membership_id=membership_id)
    return completed


def career_paths_reconcile() -> int:
    """Nightly safety net: complete every open membership whose required courses are all completed (a lost
    task).  The candidates are found in one SQL query; each is re-checked under its lock."""
    required = PathCourse.objects.filter(LIVE, path_id=OuterRef("path_id"), is_required=True).order_by()
    done = required.filter(
        Exists(
            Enrollment.objects.filter(
                user_id=OuterRef(OuterRef("user_id")), course_id=OuterRef("course_id"),
                status=Enrollment.Status.COMPLETED,
            )
        )
    )  # fmt: skip
    candidates = (
        UserCareerPath.objects.filter(completed_at__isnull=True, path__status=CareerPath.Status.PUBLISHED)
        .annotate(
            total=Coalesce(Subquery(required.values("path_id").annotate(n=Count("pk")).values("n")), 0),
            done=Coalesce(Subquery(done.values("path_id").annotate(n=Count("pk")).values("n")), 0),
        )
        .filter(total__gt=0, done__gte=F("total"))
        .values_list("pk", flat=True)
    )
    completed = 0
    for membership_id in list(candidates):
        with transaction.atomic():
            completed += _complete_if_done(membership_id=membership_id)
    return completed
