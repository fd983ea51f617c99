from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from courseworx.core.admin import ReadOnlyAdmin, ReadOnlyInline

from . import services, services_api_keys
from .models import AdminNote, ApiKey, Resume, ResumeEntry, User


class AdminNoteInline(admin.TabularInline):
    model = AdminNote
    fk_name = "user"
    extra = 1
    fields = ("body", "author", "created_at")
    readonly_fields = ("author", "created_at")
    verbose_name = "staff note"
    verbose_name_plural = "Staff notes (never shown to the user)"

    def has_change_permission(self, request, obj=None):
        # Notes are a record: add new ones rather than rewriting history.
        return False


class UserCreateForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "first_name", "last_name", "role")


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    inlines = [AdminNoteInline]
    list_display = ("email", "first_name", "last_name", "role", "is_active", "is_staff", "last_login", "created_at")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "groups", "requires_password_change")
    search_fields = ("email", "first_name", "last_name", "phone")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone", "avatar")}),
        ("Role and access", {"fields": ("role", "is_active", "requires_password_change")}),
        (
            "Staff duties and permissions",
            {
                "classes": ("collapse",),
                "fields": ("is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "Instructors and administrators always have admin access; what they can do "
                "there comes from their role and groups (Moderators, Reviewers, Support, Finance).",
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "usable_password", "password1", "password2"),
            },
        ),
    )

    # Saving goes through accounts.services: role, flags, groups and permissions are audited changes.

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            user = services.user_create(
                actor=request.user, email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
                role=data["role"], password=data["password1"] if data.get("set_usable_password") else None,
            )  # fmt: skip
            obj.__dict__.update(user.__dict__)  # the admin goes on with the saved row (inlines, log, redirect)
            return
        changed = set(form.changed_data)
        fields = {name: data[name] for name in services.ACCOUNT_FIELDS if name in changed}
        if fields:
            services.user_update(user=obj, actor=request.user, data=fields)
        if changed & {"role", "is_superuser", "is_staff"}:
            services.user_role_set(
                user=obj, actor=request.user, role=data.get("role", obj.role),
                is_superuser=data.get("is_superuser"), is_staff=data.get("is_staff"),
            )  # fmt: skip

    def save_related(self, request, form, formsets, change):
        changed = set(form.changed_data)
        if change and changed & {"groups", "user_permissions"}:
            services.user_groups_set(
                user=form.instance,
                actor=request.user,
                groups=form.cleaned_data.get("groups", form.instance.groups.all()),
                permissions=form.cleaned_data.get("user_permissions"),
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in instances:
            if isinstance(obj, AdminNote) and obj._state.adding:
                services.admin_note_create(user=form.instance, author=request.user, body=obj.body)
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(AdminNote)
class AdminNoteAdmin(admin.ModelAdmin):
    list_display = ("user", "author", "created_at")
    list_select_related = ("user", "author")
    search_fields = ("user__email", "body")
    readonly_fields = ("author",)
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        if change:  # notes are a record; the change form is read-only for everyone but superusers
            super().save_model(request, obj, form, change)
            return
        note = services.admin_note_create(user=obj.user, author=request.user, body=obj.body)
        obj.__dict__.update(note.__dict__)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created by their owners (profile page, API); here staff list them, revoke them and set
    per-key rate limits.  The hash is never shown, and nothing else about a key can be edited."""

    list_display = ("prefix", "name", "user", "areas", "read_only", "status_display", "expires_at", "last_used_at")
    list_filter = ("read_only", ("revoked_at", admin.EmptyFieldListFilter), "expires_at", "created_at")
    search_fields = ("prefix", "name", "user__email")
    list_select_related = ("user",)
    readonly_fields = (
        "user", "name", "prefix", "areas", "read_only", "expires_at", "revoked_at", "revoked_by",
        "last_used_at", "last_used_ip", "created_at",
    )  # fmt: skip
    fields = (*readonly_fields, "rate_limit_per_minute", "rate_limit_per_hour")
    actions = ["revoke_selected"]

    @admin.display(description="status")
    def status_display(self, obj: ApiKey) -> str:
        return obj.status

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay, for the record

    def save_model(self, request, obj, form, change):
        # Only the limits are editable; the service checks the right and writes the audit row.
        services_api_keys.api_key_limits_set(
            key=obj,
            actor=request.user,
            per_minute=form.cleaned_data.get("rate_limit_per_minute"),
            per_hour=form.cleaned_data.get("rate_limit_per_hour"),
        )

    @admin.action(description="Revoke the selected API keys", permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            services_api_keys.api_key_revoke(key=key, actor=request.user, reason="Revoked in the admin.")
            revoked += 1
        self.message_user(request, f"{revoked} API key(s) revoked.", messages.SUCCESS)


class ResumeEntryInline(ReadOnlyInline):
    model = ResumeEntry
    fields = ("kind", "title", "organisation", "start_date", "end_date", "level", "position")


@admin.register(Resume)
class ResumeAdmin(ReadOnlyAdmin):
    """Resumes are written by their owners; staff look (support, abuse reports) and may delete one."""

    allow_delete = True
    list_display = ("user", "headline", "location", "is_public", "open_to_work", "updated_at")
    list_filter = ("is_public", "open_to_work")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__last_name", "headline", "slug")
    inlines = [ResumeEntryInline]
