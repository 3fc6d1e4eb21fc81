"""Reading a pack config's YAML safely: no Python objects, dates left as text, duplicate keys and alias bombs
refused before anything is expanded. :func:`helpers.config.load_pack` validates what :func:`parse_yaml` returns.
"""

from __future__ import annotations

from typing import Any

import yaml


#: Most nodes a config may expand to once YAML aliases are followed. A real config has a few hundred; an "alias
#: bomb" (nested anchors, each referring to the last several times) a few kilobytes long expands to billions,
#: which pydantic would then walk for minutes in gigabytes of memory.
MAX_EXPANDED_NODES = 100_000


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping holds the same key twice (PyYAML would silently keep the last value)."""


class _Loader(yaml.SafeLoader):
    """Safe YAML loader (no Python objects) that leaves dates as text, so pydantic validates them and names the key
    at fault, and refuses duplicate keys: ``disclosure:`` given twice must not silently replace the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # "<<: *defaults" may be overridden by the keys beside it: that is its purpose
                key = self.construct_object(key_node, deep=False)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: SafeConstructor reports it
                    continue
                if first is not None:
                    raise DuplicateKeyError(
                        None, None, f"key '{key}' appears twice (first on line {first.start_mark.line + 1}); "
                                    "give each key once", key_node.start_mark)
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    """How many nodes ``node`` stands for once every alias is expanded (memoised: linear in the YAML text)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    if id(node) in active:
        raise yaml.composer.ComposerError(None, None, "an anchor refers to itself (a recursive alias)",
                                          node.start_mark)
    active.add(id(node))
    size = 1
    if isinstance(node, yaml.SequenceNode):
        children: list[yaml.Node] = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    else:
        children = []
    for child in children:
        size += _expanded_size(child, memo, active)
        if size > MAX_EXPANDED_NODES:
            break
    active.discard(id(node))
    memo[id(node)] = size
    return size


def parse_yaml(text: str) -> Any:
    """``text`` as Python data through :class:`_Loader`, refusing alias bombs before anything is expanded."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, {}, set())
        if size > MAX_EXPANDED_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"the aliases (*name) expand to more than {MAX_EXPANDED_NODES:,} values; a pack config "
                            "needs a few hundred (is this an alias bomb?)", node.start_mark)
        return loader.construct_document(node)
    finally:
        loader.dispose()
