"""Policy files as data with positions: YAML read safely, ``extends:`` resolved, files merged.

A policy is YAML read with ``yaml.safe_load`` semantics (no Python objects,
``<<:`` merge keys honoured), but composed node by node so every key and
value keeps the file, line and column it was written at; duplicate keys are
rejected with both positions. Positions live beside the data in a map from
key path to ``Mark`` and are never injected into the data itself.

``extends:`` names one policy or a list of them, applied in order, then this
file on top:

* a shipped policy by name (``extends: base``): ``<name>.yaml`` in the package
  data ``grpaudit/policies/`` or, in a source checkout, the repository's
  ``policies/`` directory;
* a file path (anything with a ``/`` or a ``.yaml``/``.yml`` suffix), relative
  to the extending file.

Merging is a deep merge, like linters' shared configs: mappings merge key by
key, lists and scalars replace, and a bare key (``NAM001:`` with nothing
after it) keeps the base's mapping as it is. The position map is merged the
same way, so a mistake is reported in the file that wrote the value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..ingest.source import detect_encoding
from .errors import Mark, PolicyError, Problem, format_path, show, suggest

#: Where shipped policies are looked up by name, in order.
SHIPPED_DIRS: list[Path] = [
    Path(str(resources.files("grpaudit"))) / "policies",
    Path(__file__).resolve().parents[3] / "policies",
]

# Far above any real policy; stops alias bombs ("billion laughs") from expanding.
_MAX_NODES = 200_000
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BAD = object()  # a key that could not be read (already reported)
_PLAIN_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


@dataclass
class Located:
    """Policy data and where each part of it was written.

    ``keys`` maps a key path to the position of the key, ``values`` to the
    position of its value (the path ``()`` is the whole document). ``files``
    are the files that contributed, extended ones first.
    """
    data: Any
    keys: dict[tuple, Mark] = field(default_factory=dict)
    values: dict[tuple, Mark] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def mark(self, path: tuple, key: bool = False) -> Mark:
        """Where ``path`` was written (its key when ``key``), else its nearest written parent."""
        path = tuple(path)
        while True:
            if key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return Mark(self.files[-1] if self.files else "<policy>", 1, 1)
            path, key = path[:-1], True


def _mark(file: str, node: yaml.Node) -> Mark:
    text = node.value if isinstance(node, yaml.ScalarNode) else None
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1, text)


class _Builder:
    """Turns one composed YAML document into plain data plus its position map."""

    def __init__(self, loader: yaml.SafeLoader, file: str):
        self.loader, self.file = loader, file
        self.keys: dict[tuple, Mark] = {}
        self.values: dict[tuple, Mark] = {}
        self.problems: list[Problem] = []
        self._checked: set[int] = set()   # mappings already checked for duplicates (aliases repeat them)
        self._open: set[int] = set()      # nodes being built: meeting one again is a recursive alias
        self._keys: dict[int, Any] = {}
        self._count = 0

    def problem(self, node: yaml.Node, path: tuple, message: str) -> None:
        m = _mark(self.file, node)
        self.problems.append(Problem(self.file, m.line, m.column, message, format_path(path)))

    def build(self, node: yaml.Node, path: tuple = ()) -> Any:
        self._count += 1
        if self._count > _MAX_NODES:
            raise PolicyError([Problem(self.file, None, None, f"more than {_MAX_NODES} values: "
                                                              "aliases expand too far")])
        if id(node) in self._open:
            self.problem(node, path, "an alias refers to itself (recursive structure)")
            return None
        self.values[path] = _mark(self.file, node)
        if type(node) in _PLAIN_TAGS and node.tag != _PLAIN_TAGS[type(node)]:
            # safe_load refuses Python tags too; plain YAML is all a policy needs
            self.problem(node, path, f"unsupported tag {node.tag}: a policy holds plain mappings, lists and values")
            return None
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            return self._scalar(node, path)
        finally:
            self._open.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, path: tuple) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # YAML's own date reader: 2026-02-30
            self.loader.recursive_objects.pop(node, None)  # PyYAML leaves it marked "in construction"
            self.problem(node, path, f"cannot read {show(node.value)}: {exc}")
            return None

    def _key(self, node: yaml.Node, path: tuple) -> Any:
        """The key a node holds (built once: mappings are walked twice), or _BAD after a problem."""
        if id(node) not in self._keys:
            if not isinstance(node, yaml.ScalarNode):
                self.problem(node, path, "a key must be plain text, not a list or mapping")
                self._keys[id(node)] = _BAD
            else:
                n = len(self.problems)
                key = self._scalar(node, path)
                self._keys[id(node)] = _BAD if len(self.problems) > n else key
        return self._keys[id(node)]

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        if id(node) not in self._checked:
            self._checked.add(id(node))
            seen: dict[Any, int] = {}
            # Checked before merge keys are flattened: `<<:` may bring in keys this mapping overrides.
            for k_node, _ in node.value:
                if k_node.tag == _MERGE_TAG:
                    continue
                key = self._key(k_node, path)
                if key is _BAD:
                    continue
                if key in seen:
                    self.problem(k_node, path + (key,), f"duplicate key '{key}' (first written at line {seen[key]})")
                seen.setdefault(key, k_node.start_mark.line + 1)
            self.loader.flatten_mapping(node)
        out: dict = {}
        for k_node, v_node in node.value:
            key = self._key(k_node, path)
            if key is _BAD:
                continue
            self.keys[path + (key,)] = _mark(self.file, k_node)
            out[key] = self.build(v_node, path + (key,))
        return out


def read_text(path: Path) -> str:
    """A policy file's text: UTF-8 (with or without BOM), UTF-16 with BOM or GB18030."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError([Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}")]) from None
    encoding, bom = detect_encoding(data)
    if encoding == "unknown":
        raise PolicyError([Problem(str(path), None, None, "cannot decode: not UTF-8, UTF-16 or GB18030 text")])
    return data[bom:].decode(encoding.replace("-sig", ""))


def read_yaml(path: str | Path, text: str | None = None) -> Located:
    """One YAML file as data with positions (``extends`` not resolved)."""
    file = str(path)
    text = read_text(Path(path)) if text is None else text
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PolicyError([Problem(file, 1, 1, "the policy is empty")])
        builder = _Builder(loader, file)
        data = builder.build(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = ": ".join(s for s in (exc.context, exc.problem) if s)
        raise PolicyError([Problem(file, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                                   message or "invalid YAML")]) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise PolicyError(builder.problems)
    return Located(data, builder.keys, builder.values, (file,))


def shipped(name: str) -> Path | None:
    """The shipped policy called ``name``, or None."""
    for folder in SHIPPED_DIRS:
        for suffix in (".yaml", ".yml"):
            if (folder / f"{name}{suffix}").is_file():
                return folder / f"{name}{suffix}"
    return None


def shipped_names() -> list[str]:
    """Names of every shipped policy."""
    return sorted({p.stem for folder in SHIPPED_DIRS if folder.is_dir()
                   for p in folder.iterdir() if p.suffix in (".yaml", ".yml")})


def _is_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.endswith((".yaml", ".yml"))


def _resolve(name: Any, base_dir: Path, mark: Mark, path: tuple) -> Path:
    def fail(message: str) -> PolicyError:
        return PolicyError([Problem(mark.file, mark.line, mark.column, message, format_path(path))])

    if not isinstance(name, str) or not name.strip():
        raise fail(f"expected the name of a shipped policy or a file path, got {mark.text or type(name).__name__!r}")
    if _is_path(name):
        target = (base_dir / name).resolve()
        if not target.is_file():
            raise fail(f"file not found: {target}")
        return target
    found = shipped(name)
    if found is None:
        names = shipped_names()
        raise fail(f"no shipped policy named '{name}'" + (suggest(name, names, "shipped policies")
                                                          if names else "; no policies are shipped"))
    return found.resolve()


def load(path: str | Path) -> Located:
    """A policy file with everything it extends merged in; raises PolicyError."""
    return _load(Path(path).resolve(), (), str(path))


def _load(path: Path, chain: tuple[Path, ...], shown: str) -> Located:
    doc = read_yaml(shown)
    if not isinstance(doc.data, dict):
        m = doc.mark(())
        kind = "a list" if isinstance(doc.data, list) else f"{m.text!r}"
        raise PolicyError([Problem(m.file, m.line, m.column, "a policy is a mapping of sections "
                                   f"(company, calendar, classes, rules, manual), got {kind}")])
    if "extends" not in doc.data:
        return doc
    names = doc.data["extends"]
    paths = [("extends", i) for i in range(len(names))] if isinstance(names, list) else [("extends",)]
    names = names if isinstance(names, list) else [names]
    base: Located | None = None   # stays None for `extends: []`
    for name, key_path in zip(names, paths):
        mark = doc.mark(key_path)
        target = _resolve(name, path.parent, mark, key_path)
        if target in chain + (path,):
            cycle = " → ".join(p.name for p in chain + (path, target))
            raise PolicyError([Problem(mark.file, mark.line, mark.column, f"extends cycle: {cycle}",
                                       format_path(key_path))])
        shown_target = str(target) if not _is_path(name) else str(Path(shown).parent / name)
        parent = _load(target, chain + (path,), shown_target)
        base = parent if base is None else merge(base, parent)
    del doc.data["extends"]
    for table in (doc.keys, doc.values):
        for p in [p for p in table if p[:1] == ("extends",)]:
            del table[p]
    return doc if base is None else merge(base, doc)


def merge(base: Located, over: Located) -> Located:
    """``over`` deep-merged onto ``base``, positions included (see the module docstring)."""
    keys, values = dict(base.keys), dict(base.values)
    data = _merge(base.data, over.data, (), over, keys, values)
    return Located(data, keys, values, base.files + over.files)


def _merge(b: Any, o: Any, path: tuple, over: Located, keys: dict, values: dict) -> Any:
    if isinstance(b, dict) and isinstance(o, dict):
        values[path] = over.values[path]
        out = dict(b)
        for k, v in o.items():
            p = path + (k,)
            keys[p] = over.keys[p]
            out[k] = _merge(b[k], v, p, over, keys, values) if k in b else _take(v, p, over, keys, values)
        return out
    if o is None and isinstance(b, dict):
        return b
    return _take(o, path, over, keys, values)


def _take(value: Any, path: tuple, over: Located, keys: dict, values: dict) -> Any:
    """``over``'s value at ``path`` replaces whatever was there, positions below included."""
    n = len(path)
    for table in (keys, values):
        for p in [p for p in table if len(p) > n and p[:n] == path]:
            del table[p]
    for src, dst in ((over.keys, keys), (over.values, values)):
        dst.update({p: m for p, m in src.items() if len(p) > n and p[:n] == path})
    values[path] = over.values[path]
    return value
