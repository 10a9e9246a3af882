"""YAML for data we review like code (lexicons, term classes, provisions): safe (no tags that build
objects), fast (libyaml where present) and strict about repeated keys. PyYAML keeps the last of two equal
keys without a word, so a rule with two ``unless:`` silently lost the first; here that is an error with
its line."""

from __future__ import annotations

from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    pass


class StrictLoader(_Base):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(
                    None, None, f"键 {key!r} 重复（第 {seen[key].start_mark.line + 1} 行已有），后一个会覆盖前一个",
                    key_node.start_mark)
            seen[key] = key_node
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return result


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
