from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReportExport, ReportSubscription


class SubscriptionForm(forms.Form):
    frequency = forms.ChoiceField(choices=ReportSubscription.Frequency.choices, label=_("How often"))
    format = forms.ChoiceField(choices=ReportExport.Format.choices, label=_("Format"), initial="pdf")
