"""One rule for the client's address behind proxies: the login lock-out and the throttles."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import AnonRateThrottle

from courseworx.core.clientip import client_ip

XFF = "203.0.113.9, 198.51.100.7"  # a spoofed first entry, then what our proxy saw


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **meta)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(HTTP_X_FORWARDED_FOR=XFF)) == "127.0.0.1"


@pytest.mark.parametrize(("count", "expected"), [(1, "198.51.100.7"), (2, "203.0.113.9"), (5, "203.0.113.9")])
def test_the_entry_our_proxies_appended_is_the_client(settings, count, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(HTTP_X_FORWARDED_FOR=XFF)) == expected


def test_a_proxy_without_the_header_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request()) == "127.0.0.1"


def test_axes_counts_by_the_same_rule(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(_request(HTTP_X_FORWARDED_FOR=XFF)) == "198.51.100.7"


def test_drf_throttles_ignore_a_spoofed_header_without_a_proxy():
    # NUM_PROXIES follows TRUSTED_PROXY_COUNT (0 by default): a client cannot pick its throttle bucket.
    request = APIRequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AnonRateThrottle().get_ident(request) == "127.0.0.1"
