"""A small HTML reader for tests: enough DOM to ask "which field group holds this
error?" without a third-party parser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, predicate: Callable[[Element], bool]) -> list[Element]:
        return [element for element in self.iter() if predicate(element)]

    def by_id(self, element_id: str) -> Element:
        found = self.find_all(lambda e: e.attrs.get("id") == element_id)
        assert len(found) == 1, f"expected one element with id={element_id!r}, found {len(found)}"
        return found[0]

    def has_id(self, element_id: str) -> bool:
        return any(e.attrs.get("id") == element_id for e in self.iter())

    def closest(self, predicate: Callable[[Element], bool]) -> Element | None:
        node = self.parent
        while node is not None:
            if predicate(node):
                return node
            node = node.parent
        return None

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return "".join(parts)

    def value(self) -> str:
        """What a form control shows: an input's value, a textarea's text."""
        if self.tag == "textarea":
            text = self.text()
            # The HTML spec drops one newline right after <textarea>; Django writes one.
            return text[1:] if text.startswith("\n") else text
        return self.attrs.get("value", "")


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(
            tag, {name: value if value is not None else "" for name, value in attrs}, self.current
        )
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(
            tag, {name: value if value is not None else "" for name, value in attrs}, self.current
        )
        self.current.children.append(element)

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(content: bytes | str) -> Element:
    builder = _TreeBuilder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    builder.close()
    return builder.root
