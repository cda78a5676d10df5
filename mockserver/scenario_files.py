"""Load the scenario data: carriers, magic numbers and keys, from TOML files.

The shipped folder is read first. A user folder may add entries or replace
shipped ones: carriers by `code`, keys by `key`, magic families by `prefix`
(user families are matched first). Any invalid file raises ScenarioError
naming the file, the entry and what is wrong.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mockserver.carriers import Carrier, CarrierRegistry, CarrierState
from mockserver.datafiles import load_toml, shipped_scenarios_dir
from mockserver.keys import MIN_RATE_WINDOW_SECONDS, KeyPolicy, KeyRegistry
from mockserver.magic import MagicFamily, MagicNumbers
from mockserver.outcomes import Outcome
from mockserver.references import ReferenceType

CARRIERS_FILE = "carriers.toml"
MAGIC_FILE = "magic.toml"
KEYS_FILE = "keys.toml"
USER_FILES = (CARRIERS_FILE, MAGIC_FILE, KEYS_FILE)

Scac = Annotated[str, Field(pattern=r"^[A-Z]{2,4}$")]
ModelT = TypeVar("ModelT", bound=BaseModel)
OwnerCode = Annotated[str, Field(pattern=r"^[A-Z]{3}U$")]
_CONTAINER_PREFIX = re.compile(r"[A-Z]{3}U[0-9]*")
# Owner code, serial number and check digit: 4 + 6 + 1 characters.
CONTAINER_NUMBER_LENGTH = 11


class ScenarioError(ValueError):
    """An invalid scenario file. The message names the file, entry and problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CarrierEntry(_Strict):
    code: Scac
    name: Annotated[str, Field(min_length=1, max_length=100)]
    owner_prefixes: list[OwnerCode] = []
    bl_prefixes: list[Annotated[str, Field(pattern=r"^[A-Z0-9]{2,8}$")]] = []
    bl_digit_lengths: list[Annotated[int, Field(ge=1, le=64)]] = []
    reference_types: Annotated[list[ReferenceType], Field(min_length=1)]
    state: CarrierState = CarrierState.ACTIVE


class LessorEntry(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    owner_prefixes: Annotated[list[OwnerCode], Field(min_length=1)]


class CarriersFile(_Strict):
    carriers: list[CarrierEntry] = []
    lessors: list[LessorEntry] = []


class FamilyEntry(_Strict):
    outcome: str
    reference_type: ReferenceType
    prefix: Annotated[str, Field(pattern=r"^[A-Z0-9/-]{1,50}$")]
    suffix_digits: Annotated[int, Field(ge=1, le=12)]
    description: str = ""

    @field_validator("outcome")
    @classmethod
    def _known_outcome(cls, value: str) -> str:
        if value not in Outcome.__members__:
            raise ValueError(f"{value!r} is not one of the 22 outcomes")
        return value

    @model_validator(mode="after")
    def _numbers_valid(self) -> Self:
        """Reject a container family whose numbers the API would refuse."""
        if self.reference_type is not ReferenceType.CONTAINER:
            return self
        length = len(self.prefix) + self.suffix_digits + 1
        if length != CONTAINER_NUMBER_LENGTH or not (
            _CONTAINER_PREFIX.fullmatch(self.prefix)
        ):
            raise ValueError(
                "a CONTAINER family needs a prefix of an owner code (3 letters "
                "and U) and digits, with prefix and suffix_digits adding up to "
                f"{CONTAINER_NUMBER_LENGTH - 1} characters; the check digit "
                f"makes {CONTAINER_NUMBER_LENGTH}"
            )
        return self


class MagicFile(_Strict):
    families: list[FamilyEntry] = []


class KeyEntry(_Strict):
    key: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]
    description: str = ""
    quota: Annotated[int, Field(ge=0)] = 1_000_000
    used: Annotated[int, Field(ge=0)] = 0
    rate_limit: Annotated[int, Field(ge=0)] = 600
    rate_window_seconds: Annotated[
        float, Field(ge=MIN_RATE_WINDOW_SECONDS, le=86_400 * 31)
    ] = 60.0
    expires_at: datetime | None = None
    tracking_access: bool = True

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a time zone, for example 2026-01-31T00:00:00Z")
        return value


class KeysFile(_Strict):
    keys: list[KeyEntry] = []


@dataclass(slots=True)
class Scenarios:
    """Everything the scenario engine reads, loaded and checked."""

    carriers: CarrierRegistry
    magic: MagicNumbers
    keys: KeyRegistry


def load_scenarios(
    user_dir: Path | None = None, accept_any_key: bool = False
) -> Scenarios:
    """Load the shipped scenario files, then apply a user folder on top."""
    folders = [shipped_scenarios_dir()]
    if user_dir is not None:
        check_user_folder(user_dir)
        folders.append(user_dir)

    carriers: dict[str, Carrier] = {}
    lessors: dict[str, str] = {}
    families: list[MagicFamily] = []
    keys: dict[str, KeyPolicy] = {}
    for folder in folders:
        carrier_file = _read(folder / CARRIERS_FILE, CarriersFile)
        if carrier_file is not None:
            _check_unique(folder / CARRIERS_FILE, "carriers", carrier_file.carriers)
            for entry in carrier_file.carriers:
                carriers[entry.code] = _carrier(entry)
            for lessor in carrier_file.lessors:
                lessors.update(dict.fromkeys(lessor.owner_prefixes, lessor.name))
        magic_file = _read(folder / MAGIC_FILE, MagicFile)
        if magic_file is not None:
            _check_unique(folder / MAGIC_FILE, "families", magic_file.families)
            new = [_family(entry) for entry in magic_file.families]
            prefixes = {family.prefix for family in new}
            families = new + [f for f in families if f.prefix not in prefixes]
        keys_file = _read(folder / KEYS_FILE, KeysFile)
        if keys_file is not None:
            _check_unique(folder / KEYS_FILE, "keys", keys_file.keys)
            for entry in keys_file.keys:
                keys[entry.key] = KeyPolicy(**entry.model_dump())

    return Scenarios(
        carriers=CarrierRegistry(carriers, lessors),
        magic=MagicNumbers(families),
        keys=KeyRegistry(keys, accept_any_key=accept_any_key),
    )


def check_user_folder(folder: Path) -> None:
    """Raise ScenarioError unless `folder` holds only scenario files we read.

    Other TOML files are reported rather than ignored, since a misspelt
    name would otherwise drop the user's scenarios without a word. Files
    of other types (a README, say) are left alone.
    """
    if not folder.is_dir():
        raise ScenarioError(f"{folder}: scenarios folder not found")
    expected = ", ".join(USER_FILES)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() == ".toml" and path.name not in USER_FILES:
            raise ScenarioError(
                f"{path}: unknown scenario file; a scenarios folder contains "
                f"only {expected}, so rename or remove this file"
            )
    if not any((folder / name).is_file() for name in USER_FILES):
        raise ScenarioError(f"{folder}: contains none of {expected}; add at least one")


def _check_unique(path: Path, section: str, entries: list[Any]) -> None:
    """Raise ScenarioError when two entries of one file share their name."""
    field_name = {"carriers": "code", "families": "prefix", "keys": "key"}[section]
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        name = getattr(entry, field_name)
        if name in first_seen:
            raise ScenarioError(
                f"{path}: {section}[{index}] ({field_name} = {name!r}) repeats "
                f"{section}[{first_seen[name]}]; each {field_name} may appear "
                "once per file"
            )
        first_seen[name] = index


def _read(path: Path, model: type[ModelT]) -> ModelT | None:
    if not path.is_file():
        return None
    try:
        raw: dict[str, Any] = load_toml(path)
    except (ValueError, OSError) as error:
        raise ScenarioError(str(error)) from error
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(_describe(path, raw, error)) from None


def _describe(path: Path, raw: dict[str, Any], error: ValidationError) -> str:
    lines = [f"{path}: {error.error_count()} invalid value(s)"]
    for problem in error.errors():
        location = _location(problem["loc"], raw)
        lines.append(f"  {location}: {problem['msg']}")
    return "\n".join(lines)


def _location(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
    """Render a pydantic location as TOML would name it, e.g. keys[3].quota."""
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
            label = _entry_label(node, part)
            if label:
                text += f" ({label})"
        else:
            text += f".{part}" if text else str(part)
        node = _child(node, part)
    return text


def _entry_label(node: Any, index: int) -> str:
    if isinstance(node, list) and index < len(node) and isinstance(node[index], dict):
        entry = node[index]
        for field_name in ("code", "key", "prefix", "name"):
            if isinstance(entry.get(field_name), str):
                return f"{field_name} = {entry[field_name]!r}"
    return ""


def _child(node: Any, part: int | str) -> Any:
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    if isinstance(node, dict):
        return node.get(part)
    return None


def _carrier(entry: CarrierEntry) -> Carrier:
    return Carrier(
        code=entry.code,
        name=entry.name,
        owner_prefixes=tuple(entry.owner_prefixes),
        bl_prefixes=tuple(entry.bl_prefixes),
        bl_digit_lengths=tuple(entry.bl_digit_lengths),
        reference_types=frozenset(entry.reference_types),
        state=entry.state,
    )


def _family(entry: FamilyEntry) -> MagicFamily:
    return MagicFamily(
        outcome=Outcome[entry.outcome],
        reference_type=entry.reference_type,
        prefix=entry.prefix,
        suffix_digits=entry.suffix_digits,
        description=entry.description,
    )
