from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from grants.models import Call
from tests.factories import make_call


def test_pages_speak_chinese_by_default(client, reference, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client.get("/")
    assert '<html lang="zh-hans">' in response.text
    assert "长三角基础研究联合基金" in response.text


def test_language_switch_keeps_the_page(client, reference):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/profile/"})
    assert response.status_code == 302 and response["Location"] == "/profile/"
    assert "Yangtze River Delta Joint Fund" in client.get("/").text
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "出资省市" in client.get("/").text


@pytest.mark.parametrize(
    ("language", "deadline"),
    [("zh-hans", "2030年11月27日 17:00"), ("en", "27 November 2030, 17:00")],
)
def test_a_call_shows_its_deadline_as_the_language_writes_dates(
    client, reference, settings, language, deadline
):
    call = make_call(code="2030-dates")
    beijing = ZoneInfo("Asia/Shanghai")
    Call.objects.filter(pk=call.pk).update(closes_at=datetime(2030, 11, 27, 17, 0, tzinfo=beijing))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/calls/2030-dates/")

    assert f'<time datetime="2030-11-27T17:00+0800">{deadline}</time>' in response.text
    assert "2030-11-27 17:00" not in response.text
