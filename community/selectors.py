"""Community read paths used by pages, the API, the admin and the services (joins and filters in one place)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course, CourseContent
from courses.permissions import course_teachers_q, courses_taught_q
from learning.models import Enrollment

from .models import (
    ContentFlag,
    Conversation,
    DiscussionThread,
    FlaggedItem,
    Message,
    ModerationAction,
    Review,
    SupportTicket,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    ThreadReply,
    ThreadSubscription,
    UserMute,
)


# --- posting guards ------------------------------------------------------------------------------
def user_mute_active(*, user: User) -> UserMute | None:
    """The user's mute in force (the one lasting longest), or None."""
    return UserMute.objects.filter(user_id=user.pk, until__gt=timezone.now()).order_by("-until").first()


# --- reviews -------------------------------------------------------------------------------------
def review_list(*, course, include_hidden: bool = False) -> QuerySet:
    qs = Review.objects.filter(course=course).select_related("author", "replied_by")
    if not include_hidden:
        qs = qs.filter(is_hidden=False)
    return qs.order_by("-created_at")


def review_distribution(*, course) -> list[dict]:
    """[{stars: 5, count: n, percent: p}, ...] for the visible reviews (one query)."""

    counts = dict(
        Review.objects.filter(course=course, is_hidden=False)
        .order_by()
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    total = sum(counts.values())
    return [
        {"stars": s, "count": counts.get(s, 0), "percent": round(100 * counts.get(s, 0) / total) if total else 0}
        for s in range(5, 0, -1)
    ]


# --- discussions ---------------------------------------------------------------------------------
def thread_list(
    *, course: Course, user: User, lesson: CourseContent | None = None, query: str = "", include_hidden: bool = False
) -> QuerySet:
    qs = DiscussionThread.objects.filter(course=course).select_related("author", "lesson")
    if not include_hidden:
        qs = qs.filter(is_hidden=False)
    if lesson is not None:
        qs = qs.filter(lesson=lesson)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(body__icontains=query))

    qs = qs.annotate(is_subscribed=Exists(ThreadSubscription.objects.filter(thread=OuterRef("pk"), user_id=user.pk)))
    return qs.order_by("-is_pinned", "-last_activity_at")


def reply_list(*, thread, include_hidden: bool = False) -> QuerySet:
    qs = ThreadReply.objects.filter(thread=thread).select_related("author")
    if not include_hidden:
        qs = qs.filter(is_hidden=False)
    return qs.order_by("created_at")


# --- flags and moderation ------------------------------------------------------------------------
FLAG_KINDS = ("thread", "reply", "review", "lesson")
FlagTarget = DiscussionThread | ThreadReply | Review | CourseContent


def flag_target_model(kind: str) -> type[FlagTarget]:
    models: dict[str, type[FlagTarget]] = {
        "thread": DiscussionThread,
        "reply": ThreadReply,
        "review": Review,
        "lesson": CourseContent,
    }
    return models[kind]


def flag_target_get(*, kind: str, object_id) -> FlagTarget:
    """The flaggable object (with what the permission checks need), or Http404."""
    if kind not in FLAG_KINDS:
        raise Http404(_("Unknown content."))
    model = flag_target_model(kind)
    related = {"thread": ["course"], "reply": ["thread__course"], "review": ["course"], "lesson": ["course"]}[kind]
    try:
        return model.objects.select_related(*related).get(pk=object_id)
    except (ObjectDoesNotExist, ValidationError, ValueError) as exc:
        raise Http404(_("No such content.")) from exc


def flag_target_course(target: FlagTarget) -> Course:
    if isinstance(target, ThreadReply):
        return target.thread.course
    return target.course


def flag_target_author_id(target: FlagTarget) -> UUID:
    """Whose content it is (a lesson's: its course's instructor)."""
    if isinstance(target, CourseContent):
        return target.course.instructor_id
    return target.author_id


def flagged_item_queue() -> QuerySet:
    """Flagged targets with their content, course and author: a constant number of queries."""

    targets: list[QuerySet[Model]] = [
        DiscussionThread.objects.select_related("lesson"),
        ThreadReply.objects.select_related("thread"),
        Review.objects.all(),
        CourseContent.objects.all(),
    ]
    return FlaggedItem.objects.select_related("content_type", "course", "author").prefetch_related(
        GenericPrefetch("target", targets)
    )


def moderation_context(*, item) -> dict:
    """What a moderator needs to judge: the content in its context, its flags, past actions."""

    target = item.target
    context: dict = {"item": item, "target": target, "kind": item.content_type.model, "thread": None, "around": []}
    if isinstance(target, DiscussionThread):
        context["kind"] = "thread"
        context["thread"] = target
        context["url"] = reverse("community:thread", kwargs={"thread_id": target.pk})
    elif isinstance(target, ThreadReply):
        context["kind"] = "reply"
        context["thread"] = target.thread
        # The replies just before and after it: the conversation it belongs to.
        siblings = ThreadReply.objects.filter(thread_id=target.thread_id).select_related("author")
        before = list(siblings.filter(created_at__lt=target.created_at).order_by("-created_at")[:2])[::-1]
        after = list(siblings.filter(created_at__gt=target.created_at).order_by("created_at")[:1])
        context["around"] = [*before, target, *after]
        context["url"] = reverse("community:thread", kwargs={"thread_id": target.thread_id}) + f"#reply-{target.pk}"
    elif isinstance(target, Review):
        context["kind"] = "review"
        context["url"] = reverse("community:course_reviews", kwargs={"slug": item.course.slug}) if item.course else ""
    elif isinstance(target, CourseContent):
        context["kind"] = "lesson"
        context["url"] = f"/admin/courses/coursecontent/{target.pk}/change/"
    context["flags"] = list(ContentFlag.objects.filter(item=item).select_related("flagger", "resolved_by"))
    context["actions"] = list(
        ModerationAction.objects.filter(content_type=item.content_type, object_id=item.object_id).select_related(
            "moderator", "target_user"
        )
    )
    context["mutes"] = list(item.author.community_mutes.order_by("-until")[:5]) if item.author_id else []
    return context


# --- tickets -------------------------------------------------------------------------------------
def ticket_list(*, user: User, queue: bool = False, status: str = "", mine: bool = False) -> QuerySet:
    """The user's own tickets, or (queue=True, Support) every ticket."""

    qs = SupportTicket.objects.select_related("requester", "assignee", "course")
    if not queue:
        qs = qs.filter(requester=user)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee=user)
    return qs.order_by("-last_activity_at")


def ticket_messages(*, ticket) -> QuerySet:
    return ticket.messages.select_related("author").prefetch_related("attachments").order_by("created_at")


# --- messages ------------------------------------------------------------------------------------
def conversation_list(*, user: User) -> QuerySet:
    """The user's conversations, newest first, each with `unread` (messages from the other person
    after the user last read it): one query."""

    def unread(side: str):
        read = f"conversation__{side}_read_at"
        return Subquery(
            Message.objects.filter(conversation=OuterRef("pk"))
            .exclude(sender_id=user.pk)
            .filter(Q(**{f"{read}__isnull": True}) | Q(created_at__gt=F(read)))
            .order_by()
            .values("conversation")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        )

    return (
        Conversation.objects.filter(Q(student=user) | Q(instructor=user))
        .select_related("student", "instructor", "course")
        .annotate(
            unread=Coalesce(
                Case(When(student_id=user.pk, then=unread("student")), default=unread("instructor")), Value(0)
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True))
    )


def message_list(*, conversation: Conversation) -> QuerySet:
    """A conversation's messages with their senders, oldest first."""
    return conversation.messages.select_related("sender").order_by("created_at")


def message_contacts(*, user: User, limit: int = 200) -> QuerySet:
    """People the user may start a conversation with."""

    active = Enrollment.ACCESS_STATUSES
    my_courses = Course.objects.filter(
        pk__in=Enrollment.objects.filter(user_id=user.pk, status__in=active).values("course_id")
    )
    students = Enrollment.objects.filter(courses_taught_q(user, "course"), status__in=active).values("user_id")
    return (
        User.objects.filter(course_teachers_q(my_courses) | Q(pk__in=students), is_active=True)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("first_name", "last_name")[:limit]
    )


# --- surveys -------------------------------------------------------------------------------------
def survey_list_for(*, user: User) -> QuerySet:
    """Published surveys the user may answer (everyone, or courses they take), with `answered`."""

    my_courses = Enrollment.objects.filter(user_id=user.pk, status__in=Enrollment.ACCESS_STATUSES).values("course_id")
    return (
        Survey.objects.filter(is_published=True)
        .filter(Q(audience=Survey.Audience.ALL) | Q(course_id__in=my_courses))
        .select_related("course")
        .annotate(answered=Exists(SurveyResponse.objects.filter(survey=OuterRef("pk"), user_id=user.pk)))
        .order_by("answered", "-created_at")
    )


def survey_results(*, survey) -> list[dict]:
    """Per question: rating average and distribution, choice counts, recent text answers (3 queries)."""

    questions = list(survey.questions.order_by("order"))
    counts: dict = {}
    for qid, rating, choice, n in (
        SurveyAnswer.objects.filter(question__survey=survey)
        .exclude(text__gt="")
        .order_by()
        .values_list("question_id", "rating", "choice")
        .annotate(n=Count("pk"))
        .values_list("question_id", "rating", "choice", "n")
    ):
        counts.setdefault(qid, []).append((rating, choice, n))
    texts: dict = {}
    for qid, text, created in (
        SurveyAnswer.objects.filter(question__survey=survey, text__gt="")
        .order_by("-created_at")
        .values_list("question_id", "text", "created_at")[:500]
    ):
        texts.setdefault(qid, []).append({"text": text, "created_at": created})
    results = []
    for q in questions:
        rows = counts.get(q.pk, [])
        entry: dict = {"question": q, "answers": sum(n for _, _, n in rows)}
        if q.kind == "rating":
            dist = {r: n for r, _, n in rows if r}
            total = sum(dist.values())
            entry["average"] = round(sum(r * n for r, n in dist.items()) / total, 2) if total else None
            entry["answers"] = total
            entry["distribution"] = [
                {"value": v, "count": dist.get(v, 0), "percent": round(100 * dist.get(v, 0) / total) if total else 0}
                for v in range(5, 0, -1)
            ]
        elif q.kind == "single_choice":
            by_choice = {c: n for _, c, n in rows if c}
            total = sum(by_choice.values())
            entry["answers"] = total
            entry["choices"] = [
                {"label": o, "count": by_choice.get(o, 0),
                 "percent": round(100 * by_choice.get(o, 0) / total) if total else 0}
                for o in q.options
            ]  # fmt: skip
        else:
            entry["texts"] = texts.get(q.pk, [])[:50]
            entry["answers"] = len(texts.get(q.pk, []))
        results.append(entry)
    return results
