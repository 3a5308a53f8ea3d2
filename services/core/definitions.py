"""Reading definition files (instruments, risk tiers, templates, scenarios) safely.

An administrator may upload or paste a definition, so the text is untrusted: YAML
anchors and aliases let 1.7 KB expand into a 135 MB structure (a "billion laughs"),
and nothing in a definition needs them, so they are refused outright, as is any text
over MAX_BYTES.
"""

from __future__ import annotations

import yaml

MAX_BYTES = 64 * 1024  # the largest shipped definition is under 6 KB


class DefinitionTextError(ValueError):
    """The text is not a definition CareDesk will read; `str()` says why, plainly."""


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise DefinitionTextError(
                f"Line {line}: YAML aliases (*name) are not allowed in a definition; "
                "write the value out."
            )
        if getattr(event, "anchor", None):
            raise DefinitionTextError(
                f"Line {line}: YAML anchors (&name) are not allowed in a definition; "
                "write the value out."
            )
        return super().compose_node(parent, index)


def load_definition_yaml(text: str | bytes) -> object:
    """Parse one definition: plain YAML only, at most MAX_BYTES."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise DefinitionTextError(
            f"The definition is {size // 1024} KB; definitions stop at {MAX_BYTES // 1024} KB."
        )
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise DefinitionTextError(f"This is not valid YAML: {exc}") from exc
