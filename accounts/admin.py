from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import AdminNote, User


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

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in instances:
            if isinstance(obj, AdminNote) and obj.author_id is None:
                obj.author = request.user
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(AdminNote)
class AdminNoteAdmin(admin.ModelAdmin):
    list_display = ("user", "author", "created_at")
    list_select_related = ("user", "author")
    search_fields = ("user__email", "body")
    readonly_fields = ("author",)
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
