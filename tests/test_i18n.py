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
