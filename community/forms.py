from django import forms

from .models import Notification, NotificationPreference


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
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label="Your rating")
    body = forms.CharField(
        label="Your review",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What did you like? What could be better? Markdown is allowed.",
    )


class ReviewReplyForm(forms.Form):
    reply = forms.CharField(label="Reply", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ThreadForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Your question or idea",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown is allowed: **bold**, *italic*, `code`, lists and links.",
    )
    lesson = forms.ModelChoiceField(queryset=None, required=False, empty_label="The whole course",
                                    label="About the lesson")  # fmt: skip

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = course.contents.filter(is_published=True).order_by("section__order", "order")


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown is allowed.",
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this?", widget=forms.RadioSelect(attrs={"class": "form-check-input"}), choices=()
    )
    details = forms.CharField(label="Details (optional)", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        from .models import ContentFlag

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = ContentFlag.Reason.choices
