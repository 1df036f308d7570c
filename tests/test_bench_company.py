"""bench/gen_company.py writes a month grpaudit reads as written, and bench/floor.py runs on it."""
from __future__ import annotations

import ahocorasick_rs
import pytest

import floor
import gen_company
from grpaudit.dataset import load
from grpaudit.policy import load_policy


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    out = tmp_path_factory.mktemp("company")
    return out, gen_company.generate(out, n_msg=6000, n_emp=200, seed=3)


def test_every_format_is_written_and_read_back_with_its_counts(month):
    out, manifest = month
    assert manifest["messages"] == 6000
    assert all(manifest["per_format"][f] > 0 for f in gen_company.FORMATS), manifest["per_format"]
    ds = load([out / "chats"], members=[out / "members.csv"], roster=[out / "roster.csv"],
              groups=[out / "groups.csv"])
    assert not ds.errors
    assert len(ds.messages) == manifest["messages"]
    by_file = {f.path.rsplit("/", 1)[-1]: f for f in ds.files}
    for written in manifest["files"]:
        got = by_file[written["file"]]
        assert (got.format, got.messages) == (written["format"], written["messages"])
    # only the lines the archive reader is meant to skip (one-to-one chats, switch lines) are skipped
    assert all("one-to-one" in s.reason or "switch" in s.reason for f in ds.files for s in f.skipped)
    assert len(ds.roster) == manifest["employees"]
    assert len(ds.members) == manifest["member_rows"]
    assert int(ds.groups["registered"].sum()) == manifest["registered_groups"]
    # every sender is someone on the roster
    assert ds.messages["person_id"].notna().all()


def test_month_is_october_mostly_in_working_hours_with_some_violations(month):
    out, manifest = month
    ds = load([out / "chats"], roster=[out / "roster.csv"])
    local = ds.messages["time"].dt.tz_convert("Asia/Shanghai")
    assert (local.dt.month == 10).all()
    assert ((local.dt.hour >= 9) & (local.dt.hour < 18)).mean() > 0.8
    assert 0 < manifest["violations_in_text"] < 0.02 * manifest["messages"]
    assert 0 < manifest["quiet_hour_posts"] < 0.02 * manifest["messages"]
    assert ds.messages["text"].str.contains("@", regex=False).mean() > 0.03


def test_same_seed_same_month(month, tmp_path):
    out, manifest = month
    again = gen_company.generate(tmp_path, n_msg=6000, n_emp=200, seed=3)
    for written in manifest["files"]:
        assert (tmp_path / "chats" / written["file"]).read_bytes() == (out / "chats" / written["file"]).read_bytes()
    assert again["per_format"] == manifest["per_format"]


def test_policy_names_the_generated_company(month):
    out, _ = month
    pol = load_policy(out / "policy.yaml")
    roster = load([], roster=[out / "roster.csv"]).roster
    head = roster[roster["employee_id"] == pol.company.admin_head]
    assert head[["department", "is_manager"]].values.tolist() == [["行政中心", True]]
    assert sorted(d.name for d in pol.company.departments) == sorted(roster["department"].unique())


def test_floor_runs_on_the_month(month, tmp_path):
    out, manifest = month
    r = floor.floor(out, tmp_path / "hits.csv")
    # the floor counts system lines as messages: it parses nothing it need not
    assert manifest["messages"] <= r["messages"] <= manifest["messages"] * 1.01
    assert r["word_hits"] > 0 and r["late_replies"] > 0
    assert set(r["stages"]) == {"read+parse", "scan 2,000 words", "match replies", "write hits"}
    assert (tmp_path / "hits.csv").stat().st_size > 0
    # the one pass over the column's bytes finds what a scan of each message finds
    ac = ahocorasick_rs.AhoCorasick(floor.words(), matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
    texts = floor.read_all(out / "chats")["text"].to_pylist()
    assert r["word_hits"] == sum(len(ac.find_matches_as_indexes(s, overlapping=True)) for s in texts)
