from django import forms

from .models import ReportExport, ReportSubscription


class SubscriptionForm(forms.Form):
    frequency = forms.ChoiceField(choices=ReportSubscription.Frequency.choices, label="How often")
    format = forms.ChoiceField(choices=ReportExport.Format.choices, label="Format", initial="pdf")
