"""File names from department and group names: no traversal, no device names, stable and readable."""
import pytest

from grpaudit.reports.names import safe_name, unique_names


@pytest.mark.parametrize("name, expected", [
    ("销售部/华南", "销售部_华南"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("..\\..\\windows", "_.._windows"),
    ("CON", "_CON"), ("nul.txt", "_nul.txt"), ("com1", "_com1"), ("CONSOLE", "CONSOLE"),
    ("a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"), ("研发部\n", "研发部"), ("..", "_"), ("", "_"), (None, "_"),
    (".hidden", "hidden"), ("部门. ", "部门"),
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_long_names_are_cut_with_a_hash_that_keeps_them_apart():
    a, b = safe_name("部" * 100 + "甲"), safe_name("部" * 100 + "乙")
    assert a != b and len(a.encode("utf-8")) <= 120 and a.startswith("部" * 30)
    assert safe_name("部" * 100 + "甲") == a        # stable across runs


def test_names_that_sanitise_alike_do_not_collide():
    got = unique_names(["销售部/华南", "销售部:华南", "研发部"])
    assert got["研发部"] == "研发部"
    assert got["销售部/华南"] != got["销售部:华南"]
    assert all(v.startswith("销售部_华南-") for k, v in got.items() if k != "研发部")
