"""The moderation threshold is a live setting: content hides after the number staff set in the admin."""

import pytest

from courseworx.core.live_settings import setting_set
from tests.community.helpers import flag_all

pytestmark = pytest.mark.django_db


def test_auto_hide_follows_the_live_threshold(settings, thread, members):
    settings.COMMUNITY_FLAG_HIDE_THRESHOLD = 10  # the default: far away
    setting_set(actor=None, key="COMMUNITY_FLAG_HIDE_THRESHOLD", value=2)
    flag_all(members[:1], thread)
    thread.refresh_from_db()
    assert not thread.is_hidden
    flag_all(members[1:2], thread)
    thread.refresh_from_db()
    assert thread.is_hidden and thread.hidden_reason == "flags"
