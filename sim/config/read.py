"""Reading YAML safely: UTF-8 text only, bounded nesting and bounded alias expansion.

PyYAML's safe loader refuses arbitrary objects but not every hostile or broken file: a recursive
alias (``a: &x [*x]``) builds a list that contains itself, so whatever walks it next never ends;
very deep nesting (``[[[[...]]]]``) overflows Python's stack inside the composer; and a "billion
laughs" file (nine aliases, each a list of ten of the previous) expands to a billion values when
validated, though it is a few hundred bytes. :class:`BoundedLoader` composes the document with a
nesting limit, measures its size with every alias expanded (each node once, remembered), and
refuses the file in one paragraph before anything is constructed.

Imports nothing of ours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings a config or spec may have (the schema needs 5)."""
MAX_NODES = 100_000
"""Most values a document may hold with every alias expanded (a large spec holds a few thousand)."""
MAX_BYTES = 10 * 2**20
"""Largest config or spec file read (the largest shipped one is a few kilobytes)."""


class YamlLimitError(ComposerError):
    """A document nested too deeply, expanding to too many values, or holding a recursive alias."""


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a nesting limit while composing (see the module docstring)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlLimitError(
                    None,
                    None,
                    f"lists and mappings nested more than {MAX_DEPTH} deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def check_expansion(root: Node) -> None:
    """Raise YamlLimitError for a recursive alias, or when the document, aliases expanded, holds
    more than ``MAX_NODES`` values or nests deeper than ``MAX_DEPTH``.

    Each node is measured once (its expanded size and height remembered), so a document built to
    expand exponentially costs time in proportion to its text.
    """
    memo: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def measure(node: Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in active:
            raise YamlLimitError(
                None,
                None,
                "an alias refers to a list or mapping that contains it "
                "(a recursive alias), which has no finite value",
                node.start_mark,
            )
        if key not in memo:
            if depth > MAX_DEPTH:
                raise YamlLimitError(
                    None,
                    None,
                    f"with its aliases expanded it nests more than {MAX_DEPTH} deep",
                    node.start_mark,
                )
            active.add(key)
            size, height = 1, 0
            for child in _children(node):
                s, h = measure(child, depth + 1)
                size, height = size + s, max(height, h)
                if size > MAX_NODES:
                    raise YamlLimitError(
                        None,
                        None,
                        f"with its aliases expanded it holds more than "
                        f"{MAX_NODES:,} values (an alias bomb?)",
                        node.start_mark,
                    )
            active.discard(key)
            memo[key] = (size, height + 1)
        size, height = memo[key]
        if depth + height - 1 > MAX_DEPTH:
            raise YamlLimitError(
                None,
                None,
                f"with its aliases expanded it nests more than {MAX_DEPTH} deep",
                node.start_mark,
            )
        return size, height

    measure(root, 1)


def load_text(text: str) -> Any:
    """Parse one YAML document with the limits above; raises yaml.YAMLError (or ValueError for a
    scalar Python cannot hold, e.g. an integer of thousands of digits)."""
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_expansion(node)
        try:
            return loader.construct_document(node)
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise ValueError(
                f"a value cannot be read as a number ({str(exc).split(';')[0]})"
            ) from None
    finally:
        loader.dispose()


def read_text(path: Path, what: str) -> str:
    """A file's text, refused in one sentence (``ValueError``) when it is too large or not UTF-8."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(
            f"{what} {path} is {size / 2**20:.0f} MB; a {what.lower()} is a small YAML text file "
            f"(at most {MAX_BYTES // 2**20} MB)"
        )
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{what} {path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
            f"{exc.start} cannot be decoded); a {what.lower()} is a YAML text file saved as UTF-8"
        ) from None
