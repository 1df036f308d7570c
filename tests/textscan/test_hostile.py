"""Crafted messages must cost time linear in their length in every scanner."""
import time

import pandas as pd
import pytest

from grpaudit.textscan import links, pii
from grpaudit.textscan.lexicon import Lexicon
from grpaudit.textscan.normalize import align, normalize
from grpaudit.textscan.questions import classify

N = 200_000
HOSTILE = [
    "赌" + " " * N + "x",                 # a separator run after a Chinese character, not closed by one
    "赌 " * (N // 2),                     # alternating character and separator
    "a." * (N // 2),                      # almost a host name
    "1-" * (N // 2),                      # almost a grouped number
    "1" * N,                              # a very long digit run
    "http://" + "a" * N,
    "@" * N,
    "[" * N + "]",
    "好的" * (N // 2),
    "吗" * N,
]


@pytest.mark.parametrize("scan", [
    normalize,
    Lexicon({"gambling": ["赌博", "赌赌", "a.a"]}).scan,
    links.extract,
    pii.find,
    classify,
], ids=["normalize", "lexicon", "links", "pii", "questions"])
def test_scanners_stay_linear_on_crafted_messages(scan):
    text = pd.Series(HOSTILE, dtype="str")
    start = time.perf_counter()
    scan(text)
    assert time.perf_counter() - start < 5.0


def test_align_stays_linear():
    start = time.perf_counter()
    for text in HOSTILE:
        align(text)
    assert time.perf_counter() - start < 5.0
