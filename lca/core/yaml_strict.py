"""YAML loading that rejects duplicate keys (PyYAML silently keeps the last one)."""
from __future__ import annotations

import yaml


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml parser when available
    pass


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:  # explicit keys only: '<<' merges may be overridden
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"found duplicate key '{key}'",
                key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load(text: str):
    """Parse YAML text like yaml.safe_load, but a repeated key is an error."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
