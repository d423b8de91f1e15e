"""Tables of things listed once at start and found by name: flow steps, kinds of work.

Built explicitly by a composition root (no registration by import side effects); a name listed
twice is a programming error, caught when the table is built rather than at the first call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class ByName(Generic[T]):
    def __init__(self, items: Iterable[T], name_of: Callable[[T], str], what: str) -> None:
        self._items: dict[str, T] = {}
        for item in items:
            name = name_of(item)
            if name in self._items:
                raise ValueError(f"{what} {name!r} listed twice")
            self._items[name] = item

    def find(self, name: str) -> T | None:
        return self._items.get(name)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())
