"""A least recently used cache bounded in entries and in bytes."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    """A cache of the most recently used values, up to `max_entries` and `max_bytes`.

    `size_of` gives the bytes a value counts for. A value larger than
    `max_bytes` is not kept, and `max_entries` of 0 keeps nothing.
    """

    def __init__(
        self, max_entries: int, max_bytes: int, size_of: Callable[[Value], int]
    ) -> None:
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._size_of = size_of
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable) -> Value | None:
        """Return the value of `key` and mark it used, or None."""
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Value) -> None:
        """Keep `value` under `key`, evicting the least recently used values."""
        size = self._size_of(value)
        if self._max_entries <= 0 or size > self._max_bytes:
            return
        replaced = self._values.pop(key, None)
        if replaced is not None:
            self.bytes -= self._size_of(replaced)
        self._values[key] = value
        self.bytes += size
        while len(self._values) > self._max_entries or self.bytes > self._max_bytes:
            _, evicted = self._values.popitem(last=False)
            self.bytes -= self._size_of(evicted)

    def clear(self) -> None:
        """Forget every value."""
        self._values.clear()
        self.bytes = 0
