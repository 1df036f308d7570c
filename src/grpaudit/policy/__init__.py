"""Policies: the company's rulebook as one YAML file that switches and parameterises rules.

``load_policy(path)`` reads a policy (``loader``), merges what it extends,
validates it (``schema`` with pydantic, ``resolve`` for cross-references) and
returns a ``Policy``, or raises ``PolicyError`` listing every mistake with
file, line and column. docs/policy.md describes the language.
"""
from __future__ import annotations

from pathlib import Path

from .classes import assign_classes
from .errors import Mark, PolicyError, Problem
from .loader import load
from .patterns import Regex
from .resolve import Policy, RuleSettings, Settings, resolve
from .templates import NameTemplate, Vocabulary, matcher


def load_policy(path: str | Path) -> Policy:
    """The policy at ``path``, everything it extends merged in; raises PolicyError."""
    return resolve(load(path), str(path))


__all__ = ["load_policy", "Policy", "PolicyError", "Problem", "Mark", "RuleSettings", "Settings",
           "assign_classes", "NameTemplate", "Vocabulary", "Regex", "matcher"]
