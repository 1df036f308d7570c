"""From located policy data to a ``Policy``: sections validated, rules resolved per class.

Checks that need the whole policy live here: rule codes must be registered,
class names in rule overrides must be classes, each rule's options must fit
its ``Options`` model, on their own and merged with each class override, and
only one class may be the default. Every mistake is collected with its
position before one ``PolicyError`` is raised.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from ..workcal import CalendarConfig
from .classes import FALLBACK, default_class
from .describe import problems
from .errors import Mark, PolicyError, Problem, format_path, suggest
from .loader import Located
from .schema import Company, Grades, GroupClass, ManualItem, Pay, Penalty, PolicyDoc, department_names
from .templates import Vocabulary

if TYPE_CHECKING:
    from ..rules.base import Rule


@dataclass(frozen=True)
class Settings:
    """How a rule runs for one class of groups (or by default)."""
    enabled: bool
    severity: str
    clause: str
    options: BaseModel


@dataclass(frozen=True)
class RuleSettings:
    """A rule as the policy configures it: its own settings and each class's overrides applied."""
    rule: "Rule"
    base: Settings
    classes: dict[str, Settings] = field(default_factory=dict)
    #: what each occurrence costs (penalties.py prices it); None when the policy sets none
    penalty: Penalty | None = None

    def for_class(self, group_class: str) -> Settings:
        return self.classes.get(group_class, self.base)

    @property
    def enabled(self) -> bool:
        """True when the rule runs for some class."""
        return self.base.enabled or any(s.enabled for s in self.classes.values())


@dataclass(frozen=True)
class Policy:
    """A validated policy. Rules the policy does not list do not run."""
    path: str
    files: tuple[str, ...]
    title: str | None
    company: Company
    calendar: CalendarConfig
    classes: dict[str, GroupClass]
    default_class: str
    rules: dict[str, RuleSettings]
    manual: tuple[ManualItem, ...]
    located: Located
    grades: Grades = field(default_factory=Grades)
    pay: Pay = field(default_factory=Pay)

    @property
    def vocabulary(self) -> Vocabulary:
        """What ``{company}`` and ``{dept}`` stand for in name templates."""
        c = self.company
        return Vocabulary(companies=tuple(x for x in (c.name, *c.short_names) if x),
                          departments=tuple((d.name, tuple(d.short)) for d in c.departments))

    @property
    def class_names(self) -> tuple[str, ...]:
        """Classes in matching order, the default included even when only implied."""
        names = tuple(self.classes)
        return names if self.default_class in names else names + (self.default_class,)

    def enabled_rules(self) -> list[str]:
        return [code for code, r in self.rules.items() if r.enabled]

    def where(self, path: tuple) -> Mark:
        """Where a key path was written (nearest written parent otherwise), e.g. for penalties."""
        return self.located.mark(path)


def _deep(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    return out


def _at(doc: Located, path: tuple, message: str, key: bool = True) -> Problem:
    m = doc.mark(path, key=key)
    return Problem(m.file, m.line, m.column, message, format_path(path))


def _validate(model, data, doc: Located, context: dict, found: list[Problem], *prefixes: tuple):
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        found += problems(exc, model, doc, *prefixes)
        return None


def resolve(doc: Located, path: str) -> Policy:
    """Validate ``doc`` (a loaded, merged policy) into a Policy; raises PolicyError."""
    from ..rules import RULES  # here: rule modules import this package's option types

    data = doc.data
    context = {"departments": department_names(data), "policy_files": doc.files}
    found: list[Problem] = []
    sections = _validate(PolicyDoc, data, doc, context, found, ())

    raw_classes = data.get("classes") if isinstance(data.get("classes"), dict) else {}
    defaults = [name for name, c in raw_classes.items() if isinstance(c, dict) and c.get("default") is True]
    for extra in defaults[1:]:
        found.append(_at(doc, ("classes", extra, "default"),
                         f"'{defaults[0]}' is already the default class; only one class can be"))
    known_classes = list(raw_classes) + ([] if defaults else [FALLBACK])

    rules: dict[str, RuleSettings] = {}
    raw_rules = data.get("rules") if isinstance(data.get("rules"), dict) else {}
    for code, raw in raw_rules.items():
        where = ("rules", code)
        rule = RULES.get(code)
        if rule is None:
            found.append(_at(doc, where, f"unknown rule '{code}'" + suggest(code, RULES, "known rules are")))
            continue
        raw = raw if isinstance(raw, dict) else {}
        opts = raw.get("options") if isinstance(raw.get("options"), dict) else {}
        base_opts = _validate(rule.Options, opts, doc, context, found, where + ("options",))
        class_opts = {}
        overrides = raw.get("classes") if isinstance(raw.get("classes"), dict) else {}
        for cls, ov in overrides.items():
            if cls not in known_classes:
                found.append(_at(doc, where + ("classes", cls), f"unknown class '{cls}'"
                                 + suggest(cls, known_classes, "the policy's classes are")))
                continue
            more = ov.get("options") if isinstance(ov, dict) and isinstance(ov.get("options"), dict) else {}
            if more:
                here = where + ("classes", cls, "options")
                class_opts[cls] = _validate(rule.Options, _deep(opts, more), doc, context, found,
                                            here, where + ("options",))
        # A penalty is validated here rather than in RuleEntry so its problems point into penalty:.
        raw_penalty = raw.get("penalty")
        penalty = (_validate(Penalty, raw_penalty, doc, context, found, where + ("penalty",))
                   if isinstance(raw_penalty, dict) and raw_penalty else None)
        if sections is not None and base_opts is not None and None not in class_opts.values():
            rules[code] = _settings(rule, sections.rules[code], base_opts, class_opts, penalty)

    if found or sections is None:
        unique = list(dict.fromkeys(found))
        raise PolicyError(unique)
    return Policy(path=path, files=doc.files, title=sections.title, company=sections.company,
                  calendar=sections.calendar.config(), classes=dict(sections.classes),
                  default_class=default_class(sections.classes), rules=rules,
                  manual=tuple(sections.manual), located=doc, grades=sections.grades, pay=sections.pay)


def _settings(rule, entry, options, class_options: dict, penalty: Penalty | None) -> RuleSettings:
    clause = entry.clause or "; ".join(rule.clauses)
    base = Settings(entry.enabled, entry.severity or rule.severity, clause, options)
    classes = {}
    for cls, ov in entry.classes.items():
        classes[cls] = Settings(
            enabled=ov.enabled if "enabled" in ov.model_fields_set else base.enabled,
            severity=ov.severity or base.severity,
            clause=clause,
            options=class_options.get(cls, options))
    return RuleSettings(rule, base, classes, penalty)
