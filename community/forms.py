from django import forms
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import Notification, NotificationPreference

from . import permissions
from .models import ContentFlag, SupportTicket
from .services import ticket_attachment_check
from .validators import visible_text


class NotificationPreferencesForm(forms.Form):
    """One radio group per category: immediately / daily digest / off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Notification.Category.choices:
            self.fields[value] = forms.ChoiceField(
                label=label,
                choices=NotificationPreference.Channel.choices,
                widget=forms.RadioSelect,
                initial=NotificationPreference.Channel.IMMEDIATE,
            )


RATING_CHOICES = [(i, f"{i} star{'s' if i > 1 else ''}") for i in range(5, 0, -1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label=_("Your rating")
    )
    body = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did you like? What could be better? Markdown is allowed."),
    )


class ReviewReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ThreadForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label=_("Your question or idea"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed: **bold**, *italic*, `code`, lists and links."),
    )
    lesson = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("The whole course"),
                                    label=_("About the lesson"))  # fmt: skip

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = course.contents.filter(is_published=True).order_by("section__order", "order")


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown is allowed."),
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=(),
    )
    details = forms.CharField(label=_("Details (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = ContentFlag.Reason.choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


ATTACHMENT_HELP = "Optional. Images, PDF, text, CSV, Word or Excel; up to 5 files of 10 MB."


class TicketForm(forms.Form):
    subject = forms.CharField(max_length=200, validators=[visible_text])
    category = forms.ChoiceField(choices=())
    priority = forms.ChoiceField(choices=(), initial="normal")
    course = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("(none)"),
                                    help_text=_("If your question is about a course you take."))  # fmt: skip
    body = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text=_("What did you do, what did you expect, what happened? Markdown is allowed."),
        validators=[visible_text],
    )
    attachments = MultipleFileField(help_text=ATTACHMENT_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = SupportTicket.Category.choices
        self.fields["priority"].choices = SupportTicket.Priority.choices
        self.fields["course"].queryset = permissions.member_courses(user).order_by("title")

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        for file in files:
            ticket_attachment_check(file)
        return files


class TicketReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000,
                           validators=[visible_text])  # fmt: skip
    attachments = MultipleFileField(help_text=ATTACHMENT_HELP)

    clean_attachments = TicketForm.clean_attachments


class TicketRateForm(forms.Form):
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect,
                                    label=_("How satisfied are you with the help you got?"))  # fmt: skip
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}), validators=[visible_text]
    )
