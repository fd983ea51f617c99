"""Community in the Django admin.

* Moderation queue (Moderators): one row per flagged target with the content shown in context;
  hide / restore / dismiss / mute author go through an intermediate page asking for the required
  resolution note, then through `community.services` (which log who, what, when and why, and tell
  the flaggers the outcome).  Nothing is ever deleted.
* Support tickets (Support), internal docs (staff), surveys (staff and instructors, instructors only
  for their own courses).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from courseworx.core.admin import ReadOnlyAdminMixin
from courseworx.core.forms import add_service_errors
from courseworx.core.forms import service_error_text as _error_text
from courseworx.core.utils import parse_uuid

from . import permissions, selectors, services
from .models import (
    ContentFlag,
    DiscussionThread,
    FlaggedItem,
    InternalDoc,
    ModerationAction,
    Review,
    SupportTicket,
    Survey,
    SurveyQuestion,
    ThreadReply,
    TicketMessage,
    UserMute,
)
from .views import _support_staff


# =================================================================================================
# Moderation
# =================================================================================================
class ModerationForm(forms.Form):
    ACTIONS = [
        ("hide", _("Hide the content (soft delete) and uphold the flags")),
        ("restore", _("Restore hidden content (flags dismissed)")),
        ("dismiss", _("Dismiss the flags (content hidden by flags becomes visible)")),
        ("mute", _("Mute the author from posting")),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Resolution note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("Required. Kept in the moderation log and sent to the people who reported it."),
    )
    days = forms.IntegerField(label=_("Mute for (days)"), min_value=1, max_value=365, initial=7, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "mute" and not data.get("days"):
            self.add_error("days", "How many days?")
        return data


class QueueStatusFilter(admin.SimpleListFilter):
    """Open items by default: the queue is what still needs a decision."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]

    def choices(self, changelist):
        value = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        return queryset if value == "all" else queryset.filter(status=value)


class QueueKindFilter(admin.SimpleListFilter):
    title = "type"
    parameter_name = "kind"
    MODELS = {"thread": "discussionthread", "reply": "threadreply", "review": "review", "lesson": "coursecontent"}

    def lookups(self, request, model_admin):
        return [(k, k.capitalize()) for k in self.MODELS]

    def queryset(self, request, queryset):
        model = self.MODELS.get(self.value() or "")
        return queryset.filter(content_type__model=model) if model else queryset


class ModeratorOnly(ReadOnlyAdminMixin):
    def has_module_permission(self, request):
        return permissions.can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_moderate(request.user)


@admin.register(FlaggedItem)
class ModerationQueueAdmin(ModeratorOnly, admin.ModelAdmin):
    list_display = ("content_preview", "kind", "course", "author", "open_flag_count", "reasons", "visibility",
                    "last_flagged_at", "status")  # fmt: skip
    list_display_links = ("content_preview",)
    list_filter = (QueueStatusFilter, QueueKindFilter)
    search_fields = ("author__email", "course__title")
    ordering = ("-open_flag_count", "-last_flagged_at")
    actions = ["hide_selected", "restore_selected", "dismiss_selected", "mute_selected"]
    list_per_page = 50

    class Media:
        css = {"all": ["community/admin-moderation.css"]}

    def get_queryset(self, request):
        return selectors.flagged_item_queue()

    def get_changelist_instance(self, request):
        cl = super().get_changelist_instance(request)
        # The reasons of the open flags of the visible rows, in one query.
        ids = [obj.pk for obj in cl.result_list]
        reasons: dict = {}
        for item_id, reason in (
            ContentFlag.objects.filter(item_id__in=ids, status=ContentFlag.Status.OPEN)
            .values_list("item_id", "reason")
            .distinct()
        ):
            reasons.setdefault(item_id, []).append(str(dict(ContentFlag.Reason.choices).get(reason, reason)))
        for obj in cl.result_list:
            obj._reasons = sorted(reasons.get(obj.pk, []))
        return cl

    @admin.display(description="content")
    def content_preview(self, obj):
        target = obj.target
        if target is None:
            return "(deleted)"
        if isinstance(target, DiscussionThread):
            text = f"{target.title}: {Truncator(target.body).chars(90)}"
        elif isinstance(target, ThreadReply):
            text = f"Re: {target.thread.title}: {Truncator(target.body).chars(80)}"
        elif isinstance(target, Review):
            text = f"{target.rating}★ {Truncator(target.body).chars(90)}"
        else:
            text = f"Lesson: {target.title}"
        return text

    @admin.display(description="type", ordering="content_type")
    def kind(self, obj):
        return (
            obj.content_type.model.replace("discussionthread", "thread")
            .replace("threadreply", "reply")
            .replace("coursecontent", "lesson")
        )

    @admin.display(description="open reasons")
    def reasons(self, obj):
        return ", ".join(getattr(obj, "_reasons", [])) or "—"

    @admin.display(description="visible")
    def visibility(self, obj):
        target = obj.target
        hidden = getattr(target, "is_hidden", False)
        if hidden:
            return format_html('<span class="cw-mod-hidden">Hidden ({})</span>', target.get_hidden_reason_display())
        return "Visible"

    # --- the review page (the change view) -------------------------------------------------------
    def get_urls(self):
        return [
            path("<uuid:item_id>/review/", self.admin_site.admin_view(self.review_view), name="community_moderate"),
            path("bulk/", self.admin_site.admin_view(self.bulk_view), name="community_moderate_bulk"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:community_moderate", args=[object_id]))

    def review_view(self, request, item_id):
        if not permissions.can_moderate(request.user):
            raise PermissionDenied
        item = get_object_or_404(FlaggedItem.objects.select_related("content_type", "course", "author"), pk=item_id)
        form = ModerationForm(request.POST or None, initial={"action": "hide" if item.status == "open" else None})
        if request.method == "POST" and form.is_valid():
            try:
                self._apply(request, item, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("Done: the action is logged and the reporters are told the outcome."))
                return HttpResponseRedirect(reverse("admin:community_flaggeditem_changelist"))
        context = {
            **self.admin_site.each_context(request),
            **selectors.moderation_context(item=item),
            "opts": self.model._meta,
            "title": "Review flagged content",
            "form": form,
            "queue_url": reverse("admin:community_flaggeditem_changelist"),
        }
        return TemplateResponse(request, "admin/community/flaggeditem/review.html", context)

    @staticmethod
    def _apply(request, item, *, action: str, note: str, days=None):
        if action == "hide":
            services.moderation_hide(moderator=request.user, item=item, note=note)
        elif action == "restore":
            services.moderation_restore(moderator=request.user, item=item, note=note)
        elif action == "dismiss":
            services.moderation_dismiss(moderator=request.user, item=item, note=note)
        elif action == "mute":
            services.moderation_mute(moderator=request.user, item=item, note=note, days=days or 7)

    # --- bulk actions: an intermediate page asking for the note ---------------------------------
    def _bulk(self, request, queryset, action: str):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:community_moderate_bulk')}?action={action}&ids={ids}")

    @admin.action(description="Hide the selected content…")
    def hide_selected(self, request, queryset):
        return self._bulk(request, queryset, "hide")

    @admin.action(description="Restore the selected content…")
    def restore_selected(self, request, queryset):
        return self._bulk(request, queryset, "restore")

    @admin.action(description="Dismiss the flags of the selected content…")
    def dismiss_selected(self, request, queryset):
        return self._bulk(request, queryset, "dismiss")

    @admin.action(description="Mute the authors of the selected content…")
    def mute_selected(self, request, queryset):
        return self._bulk(request, queryset, "mute")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not permissions.can_moderate(request.user):
            return {}
        return actions

    def bulk_view(self, request):
        if not permissions.can_moderate(request.user):
            raise PermissionDenied
        action = request.GET.get("action", "")
        if action not in dict(ModerationForm.ACTIONS):
            return HttpResponseRedirect(reverse("admin:community_flaggeditem_changelist"))
        ids = [pk for pk in map(parse_uuid, request.GET.get("ids", "").split(",")[:200]) if pk]
        items = list(selectors.flagged_item_queue().filter(pk__in=ids))
        form = ModerationForm(request.POST or None, initial={"action": action})
        if request.method == "POST" and form.is_valid():
            done, errors = 0, []
            for item in items:
                try:
                    self._apply(request, item, **{**form.cleaned_data, "action": action})
                    done += 1
                except (ValidationError, PermissionDenied) as exc:
                    errors.append(f"{self.content_preview(item)}: {_error_text(exc)}")
            if done:
                messages.success(request, f"{done} item{'s' if done != 1 else ''} done and logged.")
            for error in errors:
                messages.error(request, error)
            return HttpResponseRedirect(reverse("admin:community_flaggeditem_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": dict(ModerationForm.ACTIONS)[action],
            "items": [(item, self.content_preview(item)) for item in items],
            "form": form,
            "action": action,
            "queue_url": reverse("admin:community_flaggeditem_changelist"),
        }
        return TemplateResponse(request, "admin/community/flaggeditem/bulk.html", context)


@admin.register(ModerationAction)
class ModerationActionAdmin(ModeratorOnly, admin.ModelAdmin):
    """The moderation log: who did what, when and why (read-only)."""

    list_display = ("created_at", "moderator", "action", "content_type", "object_id", "target_user", "note_short")
    list_filter = ("action", "content_type")
    search_fields = ("note", "moderator__email", "target_user__email", "object_id")
    list_select_related = ("moderator", "target_user", "content_type")
    date_hierarchy = "created_at"

    @admin.display(description="why")
    def note_short(self, obj):
        return Truncator(obj.note).chars(80)


@admin.register(UserMute)
class UserMuteAdmin(ModeratorOnly, admin.ModelAdmin):
    list_display = ("user", "until", "muted_by", "reason")
    search_fields = ("user__email", "reason")
    list_select_related = ("user", "muted_by")


class ModeratedContentAdmin(ModeratorOnly, admin.ModelAdmin):
    """Read-only browsing of threads, replies and reviews for moderators (decisions: the queue)."""

    list_filter = ("is_hidden", "hidden_reason")
    readonly_fields = ("is_hidden", "hidden_reason", "hidden_at", "open_flag_count")


@admin.register(DiscussionThread)
class DiscussionThreadAdmin(ModeratedContentAdmin):
    list_display = ("title", "course", "author", "reply_count", "is_pinned", "is_locked", "is_hidden", "created_at")
    list_select_related = ("course", "author")
    search_fields = ("title", "body", "author__email")


@admin.register(ThreadReply)
class ThreadReplyAdmin(ModeratedContentAdmin):
    list_display = ("__str__", "thread", "author", "is_hidden", "created_at")
    list_select_related = ("thread", "author")
    search_fields = ("body", "author__email")


@admin.register(Review)
class ReviewAdmin(ModeratedContentAdmin):
    list_display = ("course", "author", "rating", "is_hidden", "created_at")
    list_select_related = ("course", "author")
    search_fields = ("body", "author__email", "course__title")


# =================================================================================================
# Support tickets
# =================================================================================================
class TicketMessageInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = TicketMessage
    fields = ("author", "created_at", "is_staff_reply", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class TicketAdminForm(forms.ModelForm):
    """Staff work a ticket here: every change goes through the ticket services (validated in clean)."""

    new_status = forms.ChoiceField(required=False, label=_("Change status to"))
    reply = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
                            help_text=_("Sent to the requester (they are notified)."))  # fmt: skip
    assignee = forms.ModelChoiceField(queryset=None, required=False)

    class Meta:
        model = SupportTicket
        fields = ["assignee"]

    def __init__(self, *args, **kwargs):
        self.request = kwargs.pop("request", None)
        super().__init__(*args, **kwargs)

        self.fields["assignee"].queryset = _support_staff()
        current = self.instance.status if self.instance.pk else SupportTicket.Status.OPEN
        allowed = services.TICKET_TRANSITIONS.get(current, set())
        self.fields["new_status"].choices = [("", "(unchanged)")] + [
            (value, label) for value, label in SupportTicket.Status.choices if value in allowed
        ]

    def clean(self):
        data = super().clean()
        user = self.request.user if self.request else None
        status = data.get("new_status")
        try:
            if data.get("reply"):
                services.ticket_check_reply(user=user, ticket=self.instance)
            if status:
                services.ticket_check_status(user=user, ticket=self.instance, status=status)
        except (ValidationError, PermissionDenied) as exc:
            raise ValidationError(_error_text(exc)) from exc
        return data


@admin.register(SupportTicket)
class SupportTicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = ("number", "subject", "requester", "category", "priority", "status", "assignee",
                    "first_response_at", "last_activity_at", "satisfaction")  # fmt: skip
    list_display_links = ("number", "subject")
    list_filter = ("status", "priority", "category", ("assignee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=number", "subject", "requester__email", "messages__body")
    list_select_related = ("requester", "assignee")
    readonly_fields = ("number", "requester", "subject", "category", "priority", "course", "lesson", "status",
                       "first_response_at", "resolved_at", "closed_at", "satisfaction",
                       "satisfaction_comment")  # fmt: skip
    fieldsets = [
        (None, {"fields": ["number", "subject", "requester", "category", "priority", "course", "lesson"]}),
        (
            "Timeline",
            {
                "fields": [
                    "status",
                    "first_response_at",
                    "resolved_at",
                    "closed_at",
                    "satisfaction",
                    "satisfaction_comment",
                ]
            },
        ),  # fmt: skip
        ("Work the ticket", {"fields": ["assignee", "new_status", "reply"]}),
    ]
    inlines = [TicketMessageInline]
    show_full_result_count = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form):
            def __new__(cls, *args, **kw):
                kw["request"] = request
                return form(*args, **kw)

        return RequestForm

    def has_module_permission(self, request):
        return permissions.can_handle_tickets(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_handle_tickets(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_handle_tickets(request.user)

    def has_add_permission(self, request):
        return False  # users open tickets on the site

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        ticket = SupportTicket.objects.get(pk=obj.pk)
        if data.get("assignee") != ticket.assignee:
            services.ticket_assign(user=request.user, ticket=ticket, assignee=data.get("assignee"))
        if data.get("reply"):
            services.ticket_reply(user=request.user, ticket=ticket, body=data["reply"])
        if data.get("new_status"):
            ticket.refresh_from_db()
            if data["new_status"] != ticket.status:
                services.ticket_set_status(user=request.user, ticket=ticket, status=data["new_status"])


# =================================================================================================
# Surveys (staff and instructors; instructors only for their own courses)
# =================================================================================================
class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    fields = ("order", "text", "kind", "options", "required")
    extra = 1
    ordering = ("order",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "options":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 1, "cols": 30})
            kwargs["help_text"] = 'Single choice only, e.g. ["Too easy", "Just right", "Too hard"]'
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _may(self, request, obj):
        return obj is None or permissions.can_edit_survey(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_delete_permission(request, obj)


class SurveyAdminForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "description", "audience", "course", "is_published", "closes_at"]

    def __init__(self, *args, **kwargs):
        self.request = kwargs.pop("request", None)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.request is not None and "audience" in data:
            try:
                services.survey_validate_audience(user=self.request.user, course=data.get("course"),
                                                  audience=data["audience"])  # fmt: skip
            except ValidationError as exc:
                add_service_errors(self, exc)
        return data


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    form = SurveyAdminForm
    list_display = ("title", "audience", "course", "is_published", "response_count", "results_link", "created_at")
    list_filter = ("is_published", "audience")
    search_fields = ("title", "course__title")
    list_select_related = ("course",)
    inlines = [SurveyQuestionInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form):
            def __new__(cls, *args, **kw):
                kw["request"] = request
                return form(*args, **kw)

        return RequestForm

    def get_queryset(self, request):
        return permissions.surveys_editable_by(request.user).select_related("course")

    def has_module_permission(self, request):
        return permissions.can_build_surveys(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return permissions.can_edit_survey(request.user, obj)
        return permissions.can_build_surveys(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return permissions.can_build_surveys(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course" and not permissions.can_send_to_everyone(request.user):
            kwargs["queryset"] = Course.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="results")
    def results_link(self, obj):
        return format_html('<a href="{}">Results</a>', reverse("community:survey_results", args=[obj.pk]))


# =================================================================================================
# Internal docs (staff-only knowledge base)
# =================================================================================================
@admin.register(InternalDoc)
class InternalDocAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "updated_by", "updated_at")
    list_filter = ("category",)
    search_fields = ("title", "body", "category")
    list_select_related = ("updated_by",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("rendered", "updated_by", "updated_at")
    fields = ("title", "slug", "category", "body", "rendered", "updated_by", "updated_at")

    def has_module_permission(self, request):
        return permissions.can_read_internal_docs(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_read_internal_docs(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_read_internal_docs(request.user) and (
            request.user.is_superuser or request.user.has_perm("community.change_internaldoc")
        )

    def has_add_permission(self, request):
        return permissions.can_read_internal_docs(request.user) and (
            request.user.is_superuser or request.user.has_perm("community.add_internaldoc")
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="preview")
    def rendered(self, obj):
        return format_html('<div class="cw-doc">{}</div>', mark_safe(obj.body_html))  # noqa: S308 - sanitised by nh3

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
