"""Name templates and policy regexes: parsing, matching whole columns, rendering, linear time."""
import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grpaudit.policy.patterns import Regex
from grpaudit.policy.templates import DEFAULT_SEPARATORS, NameTemplate, Vocabulary, matcher

# The sample company (shared/samples/README.md): 5 departments, short forms as people write them.
VOCAB = Vocabulary(companies=("澤東科技", "澤東"),
                   departments=(("行政中心", ()), ("销售部", ("销售",)), ("研发部", ("研发",)),
                                ("财务部", ("财务",)), ("仓储物流部", ("仓储", "物流"))))


def display(t: str) -> NameTemplate:
    return NameTemplate.parse(t, "display")


def group(t: str) -> NameTemplate:
    return NameTemplate.parse(t, "group")


def test_parse_parts():
    assert display("{dept}+{name}").parts == (("field", "dept"), ("sep", "+"), ("field", "name"))
    assert display("{name}(群负责人)").parts == (("field", "name"), ("text", "(群负责人)"))
    assert group(r"{company}\+{name}").parts == (("field", "company"), ("text", "+"), ("field", "name"))
    assert display("群主").fields == ()


@pytest.mark.parametrize("source, kind, message", [
    ("{nam}+{dept}", "display", "unknown field {nam}; did you mean 'name'?"),
    ("{company}+{name}", "display", "unknown field {company}; display-name fields are: name, dept, dept_short, title"),
    ("{dept}{name", "display", "'{' at character 7 is never closed"),
    ("{name}}", "display", "'}' at character 7 has no '{'"),
    ("{name}-{name}", "display", "field {name} is used twice"),
    ("{name}\\", "display", "ends with a lone '\\'"),
    ("", "group", "empty template"),
])
def test_parse_errors(source, kind, message):
    with pytest.raises(ValueError) as e:
        NameTemplate.parse(source, kind)
    assert message in str(e.value)


def test_group_templates_over_the_sample_group_names():
    names = pd.Series(["澤東科技全员工作群", "澤東销售部工作群", "澤東仓储物流部工作群", "羽毛球小分队",
                       "智能仓储V3.2联调群", "澤東国庆值班临时群", None], dtype="str")
    work = matcher(group("{company}{purpose}工作群"), VOCAB)
    assert work.search(names).tolist() == [True, True, True, False, False, False, False]
    plus = matcher(group("{company}+{name}"), VOCAB)
    assert plus.search(names).tolist() == [True, True, True, False, False, True, False]
    # Fields come out as named groups; the longest company name wins.
    got = work.extract(names)
    assert got.loc[0].tolist() == ["澤東科技", "全员"]
    assert got.loc[2].tolist() == ["澤東", "仓储物流部"]
    assert got.loc[3].isna().all()


def test_brackets_match_full_width_forms():
    t = group("[{dept}]-{purpose}")
    names = pd.Series(["[销售部]-周报", "【销售部】-周报", "［研发部］-周报", "销售部-周报", "[销售]-周报"])
    assert t.regex(VOCAB).search(names).tolist() == [True, True, True, False, False]
    owner = display("{name}(群负责人)").regex(VOCAB)
    assert owner.search(pd.Series(["王磊(群负责人)", "王磊（群负责人）", "王磊(群负责人", "王磊"])).tolist() == \
        [True, True, False, False]


def test_separators():
    names = pd.Series(["行政中心郑雪", "行政中心-郑雪", "行政中心 郑雪", "行政中心·郑雪", "行政中心/郑雪"])
    t = display("{dept}+{name}")
    # the separator is not swallowed into the name; an unaccepted one is (and then the name is wrong)
    assert t.regex(VOCAB).extract(names)["name"].tolist() == ["郑雪"] * 4 + ["/郑雪"]
    people = pd.DataFrame({"name": ["郑雪"] * 5, "dept": ["行政中心"] * 5})
    assert t.fits(names, people, VOCAB).tolist() == [True, True, True, True, False]
    assert t.fits(names, people, VOCAB, ["/"]).tolist() == [False, False, False, False, True]


def test_fits_compares_fields_with_the_persons_roster_values():
    # The members.csv nickname cases, against 部门+姓名 (002 §三.2.2).
    seen = pd.Series(["销售部李娜", "研发何俊", "仓储谢刚", "销售部郑雪", "行政中心郑雪", "赵敏", "Tony(张伟)", None])
    people = pd.DataFrame({"name": ["李娜", "何俊", "谢刚", "郑雪", "郑雪", "赵敏", "张伟", "马骏"],
                           "dept": ["销售部", "研发部", "仓储物流部", "行政中心", "行政中心", "销售部", "研发部", "销售部"]})
    full = display("{dept}+{name}")
    assert full.fits(seen, people, VOCAB).tolist() == [True, False, False, False, True, False, False, False]
    short = display("{dept_short}+{name}")
    assert short.fits(seen, people, VOCAB).tolist() == [True, True, True, False, True, False, False, False]
    assert display("{name}").fits(seen, people, VOCAB).tolist() == [False] * 5 + [True, False, False]


def test_fits_keeps_the_index():
    seen = pd.Series(["群主", "王磊"], index=[10, 20])
    assert display("群主").fits(seen, pd.DataFrame(index=[10, 20]), VOCAB).to_dict() == {10: True, 20: False}


def test_render_the_expected_name():
    t = display("{dept}+{name}")
    assert t.render({"name": "郑雪", "dept": "行政中心"}) == "行政中心郑雪"
    assert t.render({"name": "郑雪", "dept": "行政中心"}, "-") == "行政中心-郑雪"
    assert t.render({"name": "郑雪", "dept": None}) is None
    assert display("{dept_short}+{name}").render({"name": "谢刚", "dept": "仓储物流部"}, vocab=VOCAB) == "仓储谢刚"
    people = pd.DataFrame({"name": ["郑雪", "吴昊", "马骏"], "dept": ["行政中心", None, "销售部"],
                           "title": ["行政助理", "销售代表", None]}, index=[3, 5, 7])
    out = display("{name}({title})").render_frame(people)
    assert (out.loc[3], out.loc[5], pd.isna(out.loc[7])) == ("郑雪(行政助理)", "吴昊(销售代表)", True)
    assert display("{dept_short}+{name}").render_frame(people, "·", VOCAB).loc[7] == "销售·马骏"


NAMES = st.text(alphabet="张王李赵郑雪娜磊伟俊芳静涛明华", min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(name=NAMES, other=NAMES, dept=st.sampled_from([d for d, _ in VOCAB.departments]),
       sep=st.sampled_from(DEFAULT_SEPARATORS),
       source=st.sampled_from(["{dept}+{name}", "{name}+{dept}", "{dept_short}+{name}", "{name}(群负责人)", "{name}"]))
def test_a_rendered_name_fits_its_person_and_no_one_else(name, other, dept, sep, source):
    t = display(source)
    rendered = t.render({"name": name, "dept": dept}, sep, VOCAB)
    people = pd.DataFrame({"name": [name, other], "dept": [dept, dept]})
    fit = t.fits(pd.Series([rendered, rendered]), people, VOCAB, DEFAULT_SEPARATORS).tolist()
    assert fit == [True, name == other]


def test_regex_search_extract_and_missing_values():
    rx = Regex(r"(?P<dept>销售|研发)部?(?P<name>\p{Han}{2,3})$")
    s = pd.Series(["销售部李娜", None, "Amy赵敏", "研发何俊"], index=list("abcd"))
    assert rx.search(s).to_dict() == {"a": True, "b": False, "c": False, "d": True}
    got = rx.extract(s)
    assert got.loc["d"].tolist() == ["研发", "何俊"]
    assert got.loc["c"].isna().all()
    assert rx.search(["销售部李娜"]).tolist() == [True]
    assert str(rx) == r"/(?P<dept>销售|研发)部?(?P<name>\p{Han}{2,3})$/"


@pytest.mark.parametrize("pattern", ["^(a+)+$", "^(a|a)*$", "^(a|aa)+$", "^(.*a){20}$"])
def test_catastrophic_patterns_run_in_linear_time(pattern):
    # In Python's re each of these takes longer than the age of the universe on this text.
    text = pd.Series(["a" * 30_000 + "!"] * 20)
    t = time.perf_counter()
    assert not Regex(pattern).search(text).any()
    assert time.perf_counter() - t < 2


@pytest.mark.parametrize("pattern, problem", [
    ("", "empty regular expression"),
    ("(a", "missing ): (a"),
    (r"(a)\1", "invalid escape sequence: \\1"),
    ("(?=a)", "invalid perl operator: (?="),
    ("a{2000}", "invalid repetition size: {2000}"),
])
def test_bad_patterns(pattern, problem):
    with pytest.raises(ValueError) as e:
        Regex(pattern)
    assert problem in str(e.value)
