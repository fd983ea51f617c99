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
