"""Reading policy YAML with positions: safe semantics, duplicates, encodings, extends, merging."""
import time

import pytest

from grpaudit.policy import PolicyError, load_policy
from grpaudit.policy import loader
from grpaudit.policy.loader import load, read_yaml

from .conftest import DATA


def problems(exc: PolicyError) -> list[tuple[str, int, int, str, str]]:
    return [(p.file.rsplit("/", 1)[-1], p.line, p.column, p.path, p.message) for p in exc.problems]


def test_marks_point_at_keys_and_values(write):
    path = write("p.yaml", """
        company:
          name: 澤東科技
          departments: [行政中心, 销售部]
        rules:
          MEM001:
            options: {grace_workdays: 2}
        """)
    doc = read_yaml(path)
    assert doc.data["rules"]["MEM001"]["options"] == {"grace_workdays": 2}
    name = doc.values[("company", "name")]
    assert (name.line, name.column, name.text) == (2, 9, "澤東科技")
    assert (doc.keys[("company", "name")].line, doc.keys[("company", "name")].column) == (2, 3)
    second = doc.values[("company", "departments", 1)]
    assert (second.line, second.column, second.text) == (3, 23, "销售部")   # columns count characters
    g = doc.values[("rules", "MEM001", "options", "grace_workdays")]
    assert (g.line, g.column, g.text) == (6, 31, "2")
    # A path nobody wrote falls back to its nearest written parent's key.
    assert doc.mark(("rules", "MEM001", "options", "nope")).line == 6
    assert doc.mark(("rules", "MEM001", "classes"), key=True).line == 5


def test_safe_load_semantics(write):
    doc = read_yaml(write("p.yaml", """
        a: 2026-10-09
        b: "2026-10-09"
        c: off
        d: 22:00
        e: null
        """))
    import datetime as dt
    assert doc.data == {"a": dt.date(2026, 10, 9), "b": "2026-10-09", "c": False, "d": 1320, "e": None}
    # …but the text as written is kept for messages
    assert doc.values[("d",)].text == "22:00"


def test_duplicate_keys_are_rejected_with_both_lines(write):
    path = write("p.yaml", """
        rules:
          LIF004:
            options:
              inactive_days: 30
              inactive_days: 5
          LIF004: {}
        """)
    with pytest.raises(PolicyError) as e:
        read_yaml(path)
    assert problems(e.value) == [
        ("p.yaml", 5, 7, "rules.LIF004.options.inactive_days",
         "duplicate key 'inactive_days' (first written at line 4)"),
        ("p.yaml", 6, 3, "rules.LIF004", "duplicate key 'LIF004' (first written at line 2)"),
    ]


def test_merge_keys_may_override_without_being_duplicates(write):
    doc = read_yaml(write("p.yaml", """
        rules:
          MEM001:
            options: &shared {grace_workdays: 1}
          NAM002:
            options:
              <<: *shared
              grace_workdays: 3
        """))
    assert doc.data["rules"]["NAM002"]["options"] == {"grace_workdays": 3}
    # the merged-in value keeps the position of the anchor it came from
    assert doc.data["rules"]["MEM001"]["options"] == {"grace_workdays": 1}


@pytest.mark.parametrize("text, line, column, message", [
    ("rules:\n  MEM001: {\n", 3, 1, "while parsing a flow node: expected the node content, but found '<stream end>'"),
    ("rules:\n\tMEM001: {}\n", 2, 1,
     "while scanning for the next token: found character '\\t' that cannot start any token"),
    ("a: 1\n---\nb: 2\n", 2, 1, "expected a single document in the stream: but found another document"),
    ("x: !!python/object:os.system {}\n", 1, 4, "unsupported tag tag:yaml.org,2002:python/object:os.system: "
                                               "a policy holds plain mappings, lists and values"),
    ("x: !!python/name:os.system ''\n", 1, 4, "could not determine a constructor for the tag "
                                             "'tag:yaml.org,2002:python/name:os.system'"),
    ("", 1, 1, "the policy is empty"),
])
def test_yaml_mistakes_have_positions(write, text, line, column, message):
    path = write("p.yaml", text)
    with pytest.raises(PolicyError) as e:
        read_yaml(path)
    (p,) = e.value.problems
    assert (p.line, p.column) == (line, column)
    assert message in p.message


def test_unreadable_keys_are_reported_once(write):
    with pytest.raises(PolicyError) as e:
        read_yaml(write("p.yaml", "2026-02-30: 1\n[a, b]: 2\nok: 3\n"))
    assert problems(e.value) == [("p.yaml", 1, 1, "", 'cannot read "2026-02-30": day is out of range for month'),
                                 ("p.yaml", 2, 1, "", "a key must be plain text, not a list or mapping")]


def test_a_policy_must_be_a_mapping(write):
    with pytest.raises(PolicyError) as e:
        load(write("p.yaml", "- NAM001\n- NAM002\n"))
    assert problems(e.value) == [("p.yaml", 1, 1, "", "a policy is a mapping of sections "
                                  "(company, calendar, classes, rules, manual), got a list")]


def test_recursive_alias_is_an_error_not_a_hang(write):
    with pytest.raises(PolicyError) as e:
        read_yaml(write("p.yaml", "a: &x [1, *x]\n"))
    assert "refers to itself" in e.value.problems[0].message


def test_alias_bomb_is_stopped_quickly(write):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]"
              for i in range(1, 9)]
    t = time.perf_counter()
    with pytest.raises(PolicyError) as e:
        read_yaml(write("p.yaml", "\n".join(lines) + "\n"))
    assert time.perf_counter() - t < 5
    assert "aliases expand too far" in e.value.problems[0].message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings(write, encoding):
    # "utf-16" writes a BOM (little-endian here); GB18030 has none: both are detected from the bytes.
    path = write("p.yaml", "title: 公司微信群管理办法\r\ncompany: {name: 澤東科技}\r\n", encoding)
    doc = read_yaml(path)
    assert doc.data == {"title": "公司微信群管理办法", "company": {"name": "澤東科技"}}
    assert doc.values[("company", "name")].line == 2


def test_undecodable_file(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"title: \xff\xff\x80\xff\n")
    with pytest.raises(PolicyError, match="cannot decode"):
        read_yaml(path)


def test_missing_file_is_a_policy_error(tmp_path):
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "nope.yaml")


# ---- extends -------------------------------------------------------------

def test_extends_a_local_file_overrides_one_value():
    policy = load_policy(DATA / "extends" / "company.yaml")
    assert policy.rules["LIF004"].base.options.inactive_days == 14        # overridden
    assert policy.rules["LIF004"].base.options.days == "calendar"         # kept from base.yaml
    assert policy.rules["MEM001"].base.options.grace_workdays == 2        # only in base.yaml
    assert "MEM004" in policy.rules                                       # added by company.yaml
    assert policy.company.name == "澤東科技"
    assert [f.rsplit("/", 1)[-1] for f in policy.files] == ["base.yaml", "company.yaml"]


def test_merge_rules(write):
    write("base.yaml", """
        company:
          name: 澤東科技
          departments: [行政中心, 销售部, 研发部]
        rules:
          MEM001:
            options: {grace_workdays: 2}
        """)
    doc = load(write("company.yaml", """
        extends: ./base.yaml
        company:
          departments: [财务部]
        rules:
          MEM001:
        """))
    assert doc.data == {"company": {"name": "澤東科技", "departments": ["财务部"]},       # lists replace
                        "rules": {"MEM001": {"options": {"grace_workdays": 2}}}}        # a bare key keeps the base
    assert doc.values[("company", "departments", 0)].file.endswith("company.yaml")
    assert ("company", "departments", 2) not in doc.values      # the replaced list's positions are gone
    assert doc.values[("company", "name")].file.endswith("base.yaml")
    assert doc.values[("rules", "MEM001", "options", "grace_workdays")].file.endswith("base.yaml")
    assert "extends" not in doc.data and ("extends",) not in doc.values


def test_a_mistake_in_an_extended_file_is_reported_there(write):
    write("base.yaml", """
        rules:
          MEM001:
            options: {grace_workdays: soon}
        """)
    path = write("sub/company.yaml", """
        extends: ../base.yaml
        title: 澤東
        """)
    with pytest.raises(PolicyError) as e:
        load_policy(path)
    assert problems(e.value) == [("base.yaml", 3, 31, "rules.MEM001.options.grace_workdays",
                                  'expected a whole number ≥ 0, got "soon"')]


def test_an_overriding_value_is_reported_in_the_overriding_file(write):
    write("base.yaml", "rules:\n  MEM001:\n    options: {grace_workdays: 2}\n")
    path = write("company.yaml", "extends: ./base.yaml\nrules:\n  MEM001:\n    options: {grace_workdays: -3}\n")
    with pytest.raises(PolicyError) as e:
        load_policy(path)
    assert problems(e.value) == [("company.yaml", 4, 31, "rules.MEM001.options.grace_workdays",
                                  "expected a whole number ≥ 0, got -3")]


def test_extends_cycle_is_detected(write):
    write("a.yaml", "extends: ./b.yaml\nrules: {MEM001: {}}\n")
    write("b.yaml", "extends: ./c.yaml\n")
    write("c.yaml", "title: c\nextends: [./a.yaml]\n")
    with pytest.raises(PolicyError) as e:
        load(write("a.yaml", "extends: ./b.yaml\nrules: {MEM001: {}}\n"))
    assert problems(e.value) == [("c.yaml", 2, 11, "extends[0]", "extends cycle: a.yaml → b.yaml → c.yaml → a.yaml")]


def test_extends_itself(write):
    with pytest.raises(PolicyError, match="extends cycle: self.yaml → self.yaml"):
        load(write("self.yaml", "extends: self.yaml\n"))


def test_extends_missing_file(write, tmp_path):
    with pytest.raises(PolicyError) as e:
        load(write("p.yaml", "title: x\nextends: ./nope.yaml\n"))
    assert problems(e.value) == [("p.yaml", 2, 10, "extends", f"file not found: {tmp_path / 'nope.yaml'}")]


def test_extends_a_shipped_policy_by_name(write, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "base-001.yaml").write_text("rules:\n  LIF004: {options: {inactive_days: 60}}\n", encoding="utf-8")
    (shipped / "base-002.yml").write_text("title: '002'\n", encoding="utf-8")
    monkeypatch.setattr(loader, "SHIPPED_DIRS", [tmp_path / "absent", shipped])
    policy = load_policy(write("p.yaml", "extends: [base-001, base-002]\nrules:\n  MEM004:\n"))
    assert policy.title == "002"
    assert policy.rules["LIF004"].base.options.inactive_days == 60
    with pytest.raises(PolicyError) as e:
        load(write("q.yaml", "extends: base-01\n"))
    assert problems(e.value) == [("q.yaml", 1, 10, "extends",
                                  "no shipped policy named 'base-01'; did you mean 'base-001'?")]


def test_extends_must_name_something(write):
    with pytest.raises(PolicyError) as e:
        load(write("p.yaml", "extends: [./a.yaml, 5]\n"))
    # the first entry fails first: files are read in order
    assert e.value.problems[0].path == "extends[0]"
    with pytest.raises(PolicyError) as e:
        load(write("q.yaml", "extends: {a: 1}\n"))
    assert "expected the name of a shipped policy or a file path" in e.value.problems[0].message
