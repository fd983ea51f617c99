"""The shared helpers for showing service refusals on forms, and the one read-only admin base."""

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from courseworx.core.admin import AuditLogAdmin, ReadOnlyAdmin, ReadOnlyAdminMixin
from courseworx.core.exceptions import ConflictError
from courseworx.core.forms import add_service_errors, service_error_text
from tests.factories import AdminFactory


class NoteForm(forms.Form):
    note = forms.CharField(required=False)
    amount = forms.IntegerField(required=False)


def _form() -> NoteForm:
    form = NoteForm(data={"note": "x", "amount": "3"})
    assert form.is_valid()
    return form


def test_field_errors_go_to_their_fields_with_their_codes():
    form = _form()
    add_service_errors(
        form,
        ValidationError(
            {
                "note": ValidationError("A note is required.", code="required"),
                "amount": ValidationError("At most %(max)s.", code="too_much", params={"max": 2}),
            }
        ),
    )
    assert not form.is_valid()
    assert form.errors["note"] == ["A note is required."]
    assert form.errors["amount"] == ["At most 2."]
    assert form.errors.as_data()["amount"][0].code == "too_much"
    assert "amount" not in form.cleaned_data


def test_errors_of_fields_the_form_does_not_show_and_non_field_errors_are_not_lost():
    form = _form()
    add_service_errors(form, ValidationError({"status": "Not now.", "__all__": "Dates overlap."}))
    assert sorted(form.non_field_errors()) == ["Dates overlap.", "Not now."]


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (ValidationError("The deadline has passed.", code="late"), "The deadline has passed."),
        (ConflictError("This attempt has already been submitted.", code="already_submitted"),
         "This attempt has already been submitted."),
        (PermissionDenied("Only Finance can decide refund requests."), "Only Finance can decide refund requests."),
        (PermissionDenied(), "You may not do this."),
    ],
)  # fmt: skip
def test_refusals_without_a_field_become_non_field_errors_and_messages(exc, text):
    form = _form()
    add_service_errors(form, exc)
    assert form.non_field_errors() == [text]
    assert service_error_text(exc) == text


# --- ReadOnlyAdmin -------------------------------------------------------------------------------


@pytest.fixture
def superuser_request(db):
    request = RequestFactory().get("/admin/")
    request.user = AdminFactory()
    return request


def test_read_only_admins_refuse_add_change_and_delete_even_for_superusers(superuser_request):
    read_only = [a for a in admin.site._registry.values() if isinstance(a, ReadOnlyAdminMixin)]
    assert len(read_only) >= 10
    for model_admin in read_only:
        assert not model_admin.has_add_permission(superuser_request), model_admin
        assert not model_admin.has_change_permission(superuser_request), model_admin
        assert model_admin.has_delete_permission(superuser_request) is model_admin.allow_delete, model_admin
        assert model_admin.has_view_permission(superuser_request), model_admin


def test_every_admin_that_is_read_only_for_superusers_uses_the_one_base(superuser_request):
    """No admin re-implements read-only by hand (add and change refused even to a superuser)."""
    hand_made = [
        type(a).__name__
        for a in admin.site._registry.values()
        if not a.has_add_permission(superuser_request)
        and not a.has_change_permission(superuser_request)
        and not isinstance(a, ReadOnlyAdminMixin)
    ]
    assert hand_made == []


def test_audit_log_is_append_only_in_the_admin(admin_client):
    assert admin_client.get("/admin/core/auditlog/").status_code == 200
    assert admin_client.get("/admin/core/auditlog/add/").status_code == 403

    assert issubclass(AuditLogAdmin, ReadOnlyAdmin) and AuditLogAdmin.allow_delete is False
