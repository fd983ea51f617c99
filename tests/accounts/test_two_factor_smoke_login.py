"""The production smoke's log-in (deploy/smoke/checks.py) passes staff two-factor authentication."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from deploy.smoke.checks import login_form
from deploy.smoke.client import Client
from tests.factories import DEFAULT_PASSWORD, StaffFactory, StudentFactory
from tests.utils import totp_code


@pytest.mark.django_db(transaction=True)
def test_smoke_login_passes_second_factor(live_server, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    staff = StaffFactory(is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="prod-smoke", confirmed=True)
    student = StudentFactory()
    client = Client(live_server.url)
    login_form(client, staff.email, DEFAULT_PASSWORD, code_for=lambda email: totp_code(device))
    assert client.get("/admin/").status == 200
    client.close()
    # A student is not asked for a code.
    client = Client(live_server.url)
    login_form(client, student.email, DEFAULT_PASSWORD)
    client.close()
