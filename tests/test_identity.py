"""Who is who: platform ids and display names of the samples → roster employees."""
import random
import time
from pathlib import Path

import gen_roster
import pandas as pd
import pytest

from grpaudit import identity, model
from grpaudit.ingest import members as members_reader
from grpaudit.ingest import roster as roster_reader
from grpaudit.ingest.source import Source

SAMPLES = Path(__file__).parent / "data" / "samples"
COMPANY = ("wechat", "20381517325@chatroom", "澤東科技全员工作群")
SALES = ("wechat", "45127796301@chatroom", "澤東销售部工作群")
WAREHOUSE = ("wechat", "38860042117@chatroom", "澤東仓储物流部工作群")
RD_QQ = ("qq", "726381940", "澤東研发部工作群")
BADMINTON = ("qq", "693027415", "羽毛球小分队")
PROJECT = ("wecom", "wrZdKq3LBwAAx7Vd2sNcEo4uGk8pTyRiLw", "澤東华南客户项目群")


def messages(rows) -> pd.DataFrame:
    """Messages from (group, sender_id, sender_name) triples, as the chat readers give them."""
    return model.conform(pd.DataFrame({
        "platform": [g[0] for g, _, _ in rows], "group_id": [g[1] for g, _, _ in rows],
        "group_name": [g[2] for g, _, _ in rows], "sender_id": [i for _, i, _ in rows],
        "sender_name": [n for _, _, n in rows], "time": pd.Timestamp("2026-10-09 10:00", tz="Asia/Shanghai"),
        "kind": "text", "text": "好的", "source_line": range(1, len(rows) + 1),
    }), model.MESSAGES)


@pytest.fixture(scope="module")
def roster():
    return roster_reader.read(Source(SAMPLES / "roster.csv")).roster


@pytest.fixture(scope="module")
def members():
    return members_reader.read(Source(SAMPLES / "members.csv")).members


NO_MEMBERS = model.empty(model.MEMBERS)


def who(msgs, members, roster):
    """person_id of each message (None when unresolved), and the identities table."""
    out, _, ids = identity.resolve(msgs, members, roster)
    return [p if isinstance(p, str) else None for p in out["person_id"]], ids


def test_samples_with_the_member_list(roster, members):
    rows = [
        (SALES, "wxid_zw7h2k9m4p1q22", "伟哥"), (SALES, "wxid_zw7h2k9m4p1q22", "销售部张伟"),
        (SALES, "wxid_lj5h8g2f6d4s22", "恒达刘建华"), (SALES, "wxid_wh3j7f1d9s5a22", "吴昊"),
        (WAREHOUSE, "wxid_cs0a2s4d6f8g12", "恒通物流陈师傅"),
        (COMPANY, None, "远方"), (COMPANY, None, "Rain"), (COMPANY, None, "研发部张伟"), (COMPANY, None, "销售部张伟"),
        (COMPANY, None, "马骏"), (COMPANY, None, "行政中心郑雪"), (COMPANY, None, "销售部吴昊"),
        (RD_QQ, None, "研发部徐婷"), (RD_QQ, "2750193364", "张伟（研发）"), (RD_QQ, "1910473256", "深圳芯联-小吴"),
        (BADMINTON, "1287734509", "Tony(张伟)"),
        (PROJECT, "woZdKq3LBwAAm8Hq2Rj5Tx0Uc7Vb4Nf1Ke", None), (PROJECT, "ZhangWei", None),
    ]
    person, ids = who(messages(rows), members, roster)
    assert person == ["ZD1013", "ZD1013", None, "ZD1016", None,
                      "ZD1021", "ZD1032", "ZD1018", "ZD1013", "ZD1031", "ZD1017", "ZD1016",
                      "ZD1020", "ZD1018", None, "ZD1013", None, "ZD1013"]
    row = ids.set_index(["platform_id", "display_name"], drop=False)
    chen = row.loc[("wxid_cs0a2s4d6f8g12", "恒通物流陈师傅")]
    assert chen["status"] == "unresolved" and chen["groups"] == ("澤東仓储物流部工作群",)
    ext = ids[ids["platform_id"] == "woZdKq3LBwAAm8Hq2Rj5Tx0Uc7Vb4Nf1Ke"]
    # the message (no name) and the member row (刘建华@广州恒达贸易): both unresolved, in the project room
    assert ext["status"].tolist() == ["unresolved", "unresolved"]
    assert set(ext["groups"]) == {("澤東华南客户项目群",)}
    by_name = ids[ids["platform_id"].isna()].set_index("display_name")
    assert by_name.loc["远方", ["status", "person_id", "method"]].tolist() == ["resolved", "ZD1021", "group"]
    assert by_name.loc["Rain", "person_id"] == "ZD1032"
    assert row.loc[("wxid_zw7h2k9m4p1q22", "销售部张伟"), "groups"] == ("澤東科技全员工作群", "澤東销售部工作群")


def test_members_get_person_ids(roster, members):
    _, mem, ids = identity.resolve(messages([]), members, roster)
    assert mem["person_id"].notna().sum() == 75
    assert sorted(mem.loc[mem["person_id"].isna(), "member_id"]) == ["woZdKq3LBwAAm8Hq2Rj5Tx0Uc7Vb4Nf1Ke",
                                                                     "wxid_cs0a2s4d6f8g12"]
    by_id = mem.drop_duplicates("member_id").set_index("member_id")["person_id"]
    assert by_id["wxid_wh3j7f1d9s5a22"] == "ZD1016"          # departed 10-16, still on the roster
    assert by_id["2750193364"] == "ZD1018" and by_id["1287734509"] == "ZD1013"
    assert by_id["ZD1027"] == "ZD1027"                       # DingTalk userids are 工号
    assert set(ids["method"].dropna()) == {"id"}


def test_names_and_templates_without_member_list(roster):
    names = ["远方", "Rain", "研发何俊", "仓储谢刚", "研发部张伟", "销售部张伟", "张伟", "Amy赵敏", "Tony(张伟)",
             "何俊(硬件)", "研发部徐婷<xuting.zd@example.com>", "韩梅梅", "周建国", "销售部郑雪", "张伟-软件工程师",
             "实习生小王"]
    person, ids = who(messages([(COMPANY, None, n) for n in names]), NO_MEMBERS, roster)
    assert person == [None, None, "ZD1019", "ZD1026", "ZD1018", "ZD1013", None, "ZD1015", None,
                      "ZD1019", "ZD1020", None, "ZD1001", "ZD1017", "ZD1018", None]
    got = ids.set_index("display_name")
    assert got.loc["周建国", "method"] == "name" and got.loc["研发何俊", "method"] == "template"
    zw = got.loc["张伟"]
    assert (zw["status"], zw["candidates"], zw["groups"]) == ("ambiguous", ("ZD1013", "ZD1018"), ("澤東科技全员工作群",))
    assert got.loc["Tony(张伟)", "candidates"] == ("ZD1013", "ZD1018")
    # 韩梅梅 is not 韩梅 plus a stray 梅; without an id it stays unresolved
    assert got.loc["韩梅梅", "status"] == "unresolved" and got.loc["远方", "groups"] == ("澤東科技全员工作群",)


def test_a_same_name_sender_without_id_is_settled_by_who_is_in_the_group(roster, members):
    rows = [(RD_QQ, None, "张伟"), (BADMINTON, None, "张伟"), (COMPANY, None, "张伟")]
    person, ids = who(messages(rows), members, roster)
    # only ZD1018 is in the R&D QQ group and only ZD1013 plays badminton; both are in the company group
    assert person == ["ZD1018", "ZD1013", None]
    zw = ids[(ids["display_name"] == "张伟") & ids["platform_id"].isna()].set_index("person_id", drop=False)
    assert len(zw) == 3                                      # one row per meaning of the bare name
    assert zw.loc["ZD1018", ["method", "groups"]].tolist() == ["group", ("澤東研发部工作群",)]
    amb = zw[zw["status"] == "ambiguous"].iloc[0]
    assert amb["candidates"] == ("ZD1013", "ZD1018") and amb["groups"] == ("澤東科技全员工作群",)


def test_a_renamed_account_stays_one_person(roster):
    rows = [(SALES, "wxid_not_on_roster", "伟哥"), (SALES, "wxid_not_on_roster", "销售部张伟"),
            (SALES, "wxid_two_people", "李娜"), (SALES, "wxid_two_people", "销售部王磊")]
    person, ids = who(messages(rows), NO_MEMBERS, roster)
    assert person == ["ZD1013", "ZD1013", None, None]
    got = ids.set_index("display_name")
    assert got.loc["伟哥", ["status", "method"]].tolist() == ["resolved", "alias"]
    assert got.loc["销售部张伟", "method"] == "template"
    assert got.loc["李娜", ["status", "candidates"]].tolist() == ["ambiguous", ("ZD1003", "ZD1014")]


def test_ids_by_platform(roster):
    rows = [(PROJECT, "zhangwei01", "张伟"), (SALES, " LINA_ZD0801 ", None),
            (("other", "x1", "某群"), "13800001020", None), (("other", "x1", "某群"), "2395517820", None),
            (("dingtalk", "cid1", "钉群"), "ZD1005", None), (("dingtalk", "cid1", "钉群"), "qianfang1985", None),
            (PROJECT, "wmAbCdEfGhIjKlMnOpQrStUvWx12", "李娜"), (SALES, None, None)]
    person, ids = who(messages(rows), NO_MEMBERS, roster)
    # ids compare without case or spaces; 'other' tries every id column (phone, QQ…);
    # DingTalk ids are 工号 only; an external WeCom contact is never an employee, whatever its name
    assert person == ["ZD1018", "ZD1014", "ZD1020", "ZD1014", "ZD1005", None, None, None]
    assert ids.loc[ids["platform_id"] == "zhangwei01", "method"].tolist() == ["id"]
    nothing = ids[ids["platform_id"].isna() & ids["display_name"].isna()]
    assert nothing["status"].tolist() == ["unresolved"] and nothing["groups"].tolist() == [("澤東销售部工作群",)]


def test_an_id_shared_by_two_employees_is_ambiguous(roster):
    twin = roster.copy()
    twin.loc[twin["employee_id"] == "ZD1014", "wechat_id"] = "wanglei_sales"
    person, ids = who(messages([(SALES, "wanglei_sales", "销售部王磊")]), NO_MEMBERS, twin)
    assert person == [None]
    assert ids[["status", "method", "candidates"]].values.tolist() == [["ambiguous", "id", ("ZD1003", "ZD1014")]]


def test_one_identity_per_distinct_sender_not_per_message(roster):
    msgs = messages([(SALES, "lina_zd0801", "销售部李娜")] * 1000 + [(COMPANY, "lina_zd0801", "销售部李娜")])
    out, _, ids = identity.resolve(msgs, NO_MEMBERS, roster)
    assert len(ids) == 1 and (out["person_id"] == "ZD1014").all()
    assert ids["groups"].tolist() == [("澤東科技全员工作群", "澤東销售部工作群")]
    assert list(ids.columns) == ["platform", "platform_id", "display_name", "status", "person_id", "method",
                                 "candidates", "groups"]
    assert str(ids["platform"].dtype) == "category" and str(out["person_id"].dtype) == "str"
    assert out.drop(columns="person_id").equals(msgs.drop(columns="person_id"))


def test_empty_inputs(roster):
    out, mem, ids = identity.resolve(model.empty(model.MESSAGES), NO_MEMBERS, roster)
    assert out.empty and mem.empty and ids.empty and len(ids.columns) == 8
    out, _, ids = identity.resolve(messages([(SALES, "lina_zd0801", "李娜")]), NO_MEMBERS,
                                   model.empty(model.ROSTER))
    assert out["person_id"].isna().all() and ids["status"].tolist() == ["unresolved"]


def test_many_identities_resolve_without_quadratic_work():
    people = gen_roster.employees(2000, seed=5)
    ro = roster_reader.read(Source("r.csv", data=gen_roster.render(people))).roster
    rng = random.Random(0)
    rows = []
    for i in range(20000):
        p = rng.choice(people)
        group = ("wechat", f"{i % 50}@chatroom", f"群{i % 50}")
        rows.append(rng.choice([(group, p["wechat_id"], p["department"] + p["name"]),
                                (group, None, f"{p['department']}{p['name']}{i}"),
                                (group, f"wxid_unknown{i}", f"{p['name']}({p['department']})"),
                                (group, None, f"客户{i}")]))
    msgs = messages(rows)
    t0 = time.perf_counter()
    out, _, ids = identity.resolve(msgs, NO_MEMBERS, ro)
    elapsed = time.perf_counter() - t0
    assert len(ids) > 15000 and out["person_id"].notna().mean() > 0.6
    assert elapsed < 5, elapsed      # ~0.5 s here; a names × identities loop takes minutes
