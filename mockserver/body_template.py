"""JSON bodies rendered once, with holes for values that are filled in later.

A hole is the JSON string of `hole(name)` in the rendered bytes. Its marker
is random for each process, so no text from a request, a scenario file or
the port table can be mistaken for a hole.
"""

import re
import secrets
from collections.abc import Mapping

_MARKER = secrets.token_hex(16)
_HOLE = re.compile(b'"' + _MARKER.encode() + rb":([a-z0-9_]+)\"")


def hole(name: str) -> str:
    """Return the string that marks the hole `name` in a body before rendering.

    `name` is made of lower-case letters, digits and underscores.
    """
    return f"{_MARKER}:{name}"


class BodyTemplate:
    """A rendered body split at its holes.

    `chunks` has one more item than `holes`: the body is chunks[0], the value
    of holes[0], chunks[1], and so on.
    """

    __slots__ = ("_rest", "chunks", "holes", "size")

    def __init__(self, body: bytes) -> None:
        pieces = _HOLE.split(body)
        self.chunks: tuple[bytes, ...] = tuple(pieces[0::2])
        self.holes: tuple[str, ...] = tuple(name.decode() for name in pieces[1::2])
        self.size = len(body)
        # Each hole with the chunk after it, paired once for `fill`.
        self._rest = tuple(zip(self.holes, self.chunks[1:], strict=True))

    def fill(self, values: Mapping[str, bytes]) -> list[bytes]:
        """Fill the holes named in `values` with their JSON bytes.

        Returns the parts of the body between the holes left open, in order:
        one part more than there are open holes.
        """
        parts = []
        current = [self.chunks[0]]
        for name, chunk in self._rest:
            value = values.get(name)
            if value is None:
                parts.append(b"".join(current))
                current = [chunk]
            else:
                current += (value, chunk)
        parts.append(b"".join(current))
        return parts
