import pandas as pd
import pytest

from grpaudit.textscan import links


def extract(texts: list, index=None) -> list[tuple]:
    out = links.extract(pd.Series(texts, dtype="str", index=index))
    assert list(out.columns) == list(links.LINK_COLUMNS)
    return [tuple(None if pd.isna(v) else v for v in row) for row in out.itertuples(index=False, name=None)]


def test_url_with_scheme_stops_at_chinese_text():
    assert extract(["详见https://oa.zedongtech.example/notice/2026-031请查收。"]) == [
        (0, 2, 47, "https://oa.zedongtech.example/notice/2026-031", "oa.zedongtech.example",
         "zedongtech.example", "/notice/2026-031")]


def test_bare_short_link_and_www():
    assert extract(["点这里t.cn/A6xYz9看看", "(www.Baidu.com/s?wd=1)."]) == [
        (0, 3, 14, "t.cn/A6xYz9", "t.cn", "t.cn", "/A6xYz9"),
        (1, 1, 21, "www.Baidu.com/s?wd=1", "www.baidu.com", "baidu.com", "/s"),
    ]


def test_not_links():
    assert extract(["V3.2已提测", "邮箱zhang@zedong.com", "报告.docx 已发", "版本1.2.3", None, ""]) == []


def test_userinfo_trick_points_at_the_real_host():
    assert extract(["http://baidu.com@evil.cn/setup.exe"]) == [
        (0, 0, 34, "http://baidu.com@evil.cn/setup.exe", "evil.cn", "evil.cn", "/setup.exe")]


def test_unparseable_host_is_kept_with_unknown_host():
    assert extract(["看 http://[::1 这个"]) == [(0, 2, 13, "http://[::1", None, None, None)]


@pytest.mark.parametrize("host,domain", [
    ("inv-veri.chinatax.gov.cn", "chinatax.gov.cn"),
    ("docs.qq.com", "qq.com"),
    ("qq.com", "qq.com"),
    ("a.b.example.com.cn", "example.com.cn"),
    ("shop.gd.cn", "shop.gd.cn"),
    ("news.bbc.co.uk", "bbc.co.uk"),
    ("192.168.1.10", "192.168.1.10"),
    ("localhost", "localhost"),
])
def test_registrable_domain(host, domain):
    assert links.registrable_domain(host) == domain


def test_in_domains_matches_on_label_boundaries():
    hosts = pd.Series(["docs.qq.com", "qq.com", "faqq.com", "qq.com.evil.cn", None], dtype="str")
    assert links.in_domains(hosts, ["QQ.com."]).tolist() == [True, True, False, False, False]


def test_classify():
    found = links.extract(pd.Series([
        "https://inv-veri.chinatax.gov.cn/",
        "https://docs.qq.com/doc/abc",
        "https://mail.qq.com/x",
        "http://m.tb.cn/h.abc",
        "https://x.com/files/%E5%8F%91%E7%A5%A8.pdf.zip",
        "https://dl.example.cn/app-release.APK?from=wx",
    ], dtype="str"))
    out = links.classify(found, allow=["gov.cn", "docs.qq.com"], deny=["qq.com", "example.cn"])
    assert out[["allowed", "denied", "short_link"]].values.tolist() == [
        [True, False, False],     # gov.cn allowed
        [True, False, False],     # docs.qq.com: the allow entry is more specific than the deny entry
        [False, True, False],     # mail.qq.com: denied
        [False, False, True],     # Taobao's short link
        [False, False, False],
        [False, True, False],
    ]
    assert out["risky_file"].isna().tolist() == [True, True, True, True, False, False]
    assert out["risky_file"].tolist()[4:] == [".pdf.zip", ".apk"]


def test_exact_tie_between_lists_goes_to_allow():
    found = links.extract(pd.Series(["https://a.example.com/"], dtype="str"))
    out = links.classify(found, allow=["example.com"], deny=["example.com"])
    assert out[["allowed", "denied"]].values.tolist() == [[True, False]]


@pytest.mark.parametrize("name,risky", [
    ("setup.exe", ".exe"), ("发票.pdf.exe", ".pdf.exe"), ("报价.pdf.zip", ".pdf.zip"), ("run.PS1", ".ps1"),
    ("tool.jar", ".jar"), ("/a/b/update.bat", ".bat"), ("资料.zip", None), ("v1.2.zip", None),
    ("报告.pdf", None), ("README", None), ("", None), (None, None),
])
def test_risky_extension(name, risky):
    out = links.risky_extension(pd.Series([name], dtype="str")).iloc[0]
    assert (None if pd.isna(out) else out) == risky


def test_samples(samples):
    chat = pd.read_csv(samples / "generic_chat.csv", dtype=str, keep_default_na=False)
    found = links.classify(links.extract(chat["消息内容"]), allow=["zedongtech.example"])
    # data row 15 (0-based 14): the external government link
    assert list(found[["message", "url", "domain", "allowed"]].itertuples(index=False, name=None)) == [
        (14, "https://inv-veri.chinatax.gov.cn/", "chinatax.gov.cn", False)]
