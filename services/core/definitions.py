"""Reading definition files (instruments, risk tiers, templates, scenarios) safely.

An administrator may upload or paste a definition, so the text is untrusted. YAML
aliases are handy for option lists shared by many items, but nested ones let 1.7 KB
stand for a structure of millions of nodes (a "billion laughs"): validating or printing
it took 135 MB and seconds. So a definition may use aliases only while its fully
expanded size stays under MAX_NODES, and its text stays under MAX_BYTES.
"""

from __future__ import annotations

import yaml

MAX_BYTES = 64 * 1024  # the largest shipped definition is under 6 KB
MAX_NODES = 20_000  # the largest shipped definition expands to under 1,000


class DefinitionTextError(ValueError):
    """The text is not a definition CareDesk will read; `str()` says why, plainly."""


def _expanded_size(node, sizes: dict[int, int]) -> int:
    """Nodes the document stands for once every alias is written out (shared subtrees
    are sized once, so the walk itself stays small)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    sizes[key] = 1  # a cycle (a node inside itself) counts once
    if isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    else:
        total = 1
    sizes[key] = total
    return total


def load_definition_yaml(text: str | bytes) -> object:
    """Parse one definition: at most MAX_BYTES of text, at most MAX_NODES once expanded."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise DefinitionTextError(
            f"The definition is {size // 1024} KB; definitions stop at {MAX_BYTES // 1024} KB."
        )
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _expanded_size(node, {}) > MAX_NODES:
                raise DefinitionTextError(
                    "The definition repeats itself through YAML aliases (*name) far beyond "
                    "any real definition; write the shared parts out instead."
                )
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise DefinitionTextError(f"This is not valid YAML: {exc}") from exc


def shipped_definitions(folder, validate) -> dict[str, dict]:
    """Every *.yaml in `folder`, by its `key`, each checked by `validate` (a shipped file
    that fails is a bug: say which)."""
    out = {}
    for path in sorted(folder.glob("*.yaml")):
        doc = load_definition_yaml(path.read_text(encoding="utf-8"))
        problems = validate(doc)
        if problems:
            raise ValueError(f"{path.name}: {problems}")
        out[doc["key"]] = doc
    return out


def newest_versions(s, model) -> dict:
    """The newest saved row per key of a versioned definition table (key, version)."""
    from sqlalchemy import func, select

    newest = select(model.key, func.max(model.version).label("v")).group_by(model.key).subquery()
    rows = s.scalars(
        select(model).join(newest, (model.key == newest.c.key) & (model.version == newest.c.v))
    )
    return {r.key: r for r in rows}
