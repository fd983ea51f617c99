from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Attendance


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("My note"), required=False, max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "Write down what you want to remember…"}),
    )  # fmt: skip
    is_private = forms.BooleanField(label=_("Private (only you can see it)"), required=False, initial=True)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500,
        help_text=_("Separated by commas, e.g. loops, exam"),
    )  # fmt: skip


class CourseNoteForm(forms.Form):
    """A new note on the course as a whole (not on one lesson)."""

    body = forms.CharField(
        label=_("Note on the course"), max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "A note on the whole course…"}),
    )  # fmt: skip
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas"))
    is_private = forms.BooleanField(label=_("Private (only you can see it)"), required=False, initial=True)


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), required=False, max_length=50_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    file = forms.FileField(
        label=_("Attach a file"), required=False,
        help_text=_("PDF, Word, PowerPoint, Excel, OpenDocument, text or Markdown."),
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("file"):
            raise forms.ValidationError(_("Write an answer or attach a file."))
        return cleaned


class GradeForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), min_value=0, max_digits=7, decimal_places=2)
    feedback = forms.CharField(label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, points: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].max_value = points
        self.fields["score"].widget.attrs.update(max=points, step="0.5")
        self.fields["score"].help_text = f"Out of {points} points."
        self.fields["score"].validators.append(forms.DecimalField(max_value=points).validators[-1])


class AttendanceRowForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "— not recorded —"), *Attendance.Status.choices], required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    sign_in_at = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time", "class": "form-control form-control-sm"})
    )
    sign_out_at = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time", "class": "form-control form-control-sm"})
    )
    note = forms.CharField(
        required=False, max_length=300, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("sign_in_at"), cleaned.get("sign_out_at")
        if a and b and b < a:
            self.add_error("sign_out_at", "Sign-out cannot be before sign-in.")
        return cleaned
