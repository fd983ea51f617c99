"""The scheduled exchange-rate import: a file source, no source configured, bad data, SSRF refusals."""

import json
import logging
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from billing import services
from billing.models import ExchangeRate
from billing.tasks import exchange_rates_import_task
from courseworx.core import outbound

pytestmark = pytest.mark.django_db


def _source(tmp_path, doc) -> str:
    path = tmp_path / "rates.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(path)


def test_file_source_imports_once_and_skips_unknown_codes(settings, tmp_path):
    settings.BILLING_EXCHANGE_RATES_SOURCE = _source(
        tmp_path, {"base": "USD", "date": "2026-11-30", "rates": {"EUR": 0.92, "JPY": "151.2", "XAU": 0.0004}}
    )
    message = exchange_rates_import_task.delay().get()
    assert "Imported 2 rate(s)" in message and "XAU" in message
    rows = {r.currency_id: r for r in ExchangeRate.objects.all()}
    assert set(rows) == {"EUR", "JPY"}
    assert rows["EUR"].rate == Decimal("0.92") and rows["EUR"].source == "import"
    assert rows["JPY"].valid_from.isoformat() == "2026-11-30T00:00:00+00:00"
    assert services.exchange_rates_import()["imported"] == 0  # the same file again changes nothing
    assert ExchangeRate.objects.count() == 2


def test_no_source_configured_does_nothing_and_says_so(settings, caplog):
    settings.BILLING_EXCHANGE_RATES_SOURCE = ""
    with caplog.at_level(logging.INFO):
        message = exchange_rates_import_task.delay().get()
    assert "No exchange-rate source configured" in message and "No exchange-rate source configured" in caplog.text
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("doc", "code"),
    [
        ("not json", "bad_json"),
        ({"base": "EUR", "rates": {"USD": 1.1}}, "wrong_base"),
        ({"base": "USD", "rates": {"EUR": 0}}, "bad_rate"),
        ({"base": "USD", "rates": {"EUR": -1}}, "bad_rate"),
        ({"base": "USD", "rates": {"EUR": "NaN"}}, "bad_rate"),
        ({"base": "USD", "rates": {"EUR": "1e400"}}, "bad_rate"),
        ({"base": "USD", "rates": {"EUR": True}}, "bad_rate"),
        ({"base": "USD", "rates": {"EU\u0000": 1}}, "bad_code"),
        ({"base": "USD", "date": "yesterday", "rates": {"EUR": 1}}, "bad_date"),
        ({"base": "USD", "rates": ["EUR", 1]}, "bad_format"),
    ],
)
def test_bad_data_is_refused_whole(settings, tmp_path, doc, code):
    settings.BILLING_EXCHANGE_RATES_SOURCE = _source(tmp_path, doc)
    with pytest.raises(ValidationError) as exc:
        services.exchange_rates_import()
    assert exc.value.error_list[0].code == code
    assert not ExchangeRate.objects.exists()
    assert exchange_rates_import_task.delay().get().startswith("Exchange-rate import failed")  # the task reports


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/rates.json",
        "https://10.1.2.3/rates.json",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/rates.json",
        "https://[::ffff:192.168.0.1]/rates.json",
        "https://localhost/rates.json",
        "http://example.com/rates.json",  # not https
        "https://user:pw@example.com/rates.json",
        "file:///etc/passwd",
    ],
)
def test_private_or_unsafe_urls_are_refused_before_any_connection(settings, monkeypatch, url):
    def no_connection(*args, **kwargs):
        raise AssertionError("no connection may be attempted")

    monkeypatch.setattr(outbound.socket, "create_connection", no_connection)
    settings.BILLING_EXCHANGE_RATES_SOURCE = url
    if url.startswith("file:"):  # not a URL we fetch: read as a (missing) path
        with pytest.raises(ValidationError):
            services.exchange_rates_import()
        return
    with pytest.raises(ValidationError) as exc:
        services.exchange_rates_import()
    assert exc.value.error_list[0].code == "unsafe_url"


def test_a_public_name_resolving_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(outbound.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.5", 443))])
    with pytest.raises(outbound.UnsafeURLError, match="non-public"):
        outbound.fetch("https://rates.example.com/latest.json")


def test_the_import_is_scheduled_daily():
    entry = django_settings.CELERY_BEAT_SCHEDULE["billing-exchange-rates-import"]
    assert entry["task"] == "billing.exchange_rates_import"
