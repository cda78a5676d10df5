"""Magic reference numbers: families of numbers that force one outcome.

Each family is a fixed prefix followed by a free suffix of digits, so that
parallel tests can use distinct numbers for the same outcome. A container
family's numbers end in an ISO 6346 check digit and pass validation.
"""

from dataclasses import dataclass, field

from mockserver.checkdigits import iso6346_check_digit
from mockserver.outcomes import Outcome
from mockserver.references import ReferenceType


@dataclass(frozen=True, slots=True)
class MagicFamily:
    """Numbers made of `prefix` and `suffix_digits` free digits.

    A CONTAINER family adds the ISO 6346 check digit after the suffix.
    """

    outcome: Outcome
    reference_type: ReferenceType
    prefix: str
    suffix_digits: int
    description: str = ""

    def matches(self, number: str) -> bool:
        """Tell whether a normalised reference number belongs to the family."""
        check_length = 1 if self.reference_type is ReferenceType.CONTAINER else 0
        expected_length = len(self.prefix) + self.suffix_digits + check_length
        if len(number) != expected_length or not number.startswith(self.prefix):
            return False
        suffix = number[len(self.prefix) : len(self.prefix) + self.suffix_digits]
        return suffix.isascii() and suffix.isdigit()

    def example(self, suffix: int = 1) -> str:
        """Return the family's number for a numeric suffix."""
        if suffix < 0:
            raise ValueError(f"suffix {suffix} is negative; use 0 or more")
        text = f"{self.prefix}{suffix:0{self.suffix_digits}d}"
        if len(text) != len(self.prefix) + self.suffix_digits:
            raise ValueError(
                f"suffix {suffix} does not fit in {self.suffix_digits} digits"
            )
        if self.reference_type is ReferenceType.CONTAINER:
            text += str(iso6346_check_digit(text))
        return text

    @property
    def pattern(self) -> str:
        """A human-readable pattern, such as `MEDUNE` + 6 digits."""
        text = f"{self.prefix} + {self.suffix_digits} digits"
        if self.reference_type is ReferenceType.CONTAINER:
            text += " + ISO 6346 check digit"
        return text


@dataclass(slots=True)
class MagicNumbers:
    """All magic families, searched in order; user families come first.

    `families` is read once: build a new MagicNumbers to change them.
    """

    families: list[MagicFamily]
    _prefixes: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self._prefixes = tuple(family.prefix for family in self.families)

    def match(self, number: str) -> MagicFamily | None:
        """Return the first family that `number` belongs to, or None."""
        # Most numbers are not magic: one C-level prefix test rules them out
        # before the families are checked one by one.
        if not number.startswith(self._prefixes):
            return None
        for family in self.families:
            if family.matches(number):
                return family
        return None
