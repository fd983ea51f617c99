"""`manage.py generate_scale_data`: the sizes asked for, repeatable, and coherent data for the reports."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from community.models import SupportTicket
from learning.models import Enrollment, LessonCompletion

pytestmark = pytest.mark.django_db

SIZES = {"users": 60, "courses": 5, "enrolments": 120, "completions": 300, "activity": 200}


def test_generates_the_sizes_asked_for_with_a_progress_bar(capsys):
    call_command("generate_scale_data", seed=7, stdout=io.StringIO(), **SIZES)
    assert Enrollment.objects.count() == 120
    assert LessonCompletion.objects.count() == 300
    bars = capsys.readouterr().out  # the progress bars go to the terminal
    assert "enrolments" in bars and "100%" in bars
    # Tickets are answered after they were opened (the support report's response times are positive).
    tickets = SupportTicket.objects.all()
    assert tickets.exists()
    assert not tickets.filter(first_response_at__lt=F("created_at")).exists()


def test_refuses_to_add_to_a_database_with_scale_data():
    call_command("generate_scale_data", seed=7, stdout=io.StringIO(), **SIZES)
    with pytest.raises(CommandError, match="already has scale data"):
        call_command("generate_scale_data", seed=7, stdout=io.StringIO(), **SIZES)
