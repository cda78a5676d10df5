"""Validation of control input: JSON bodies and journal filters.

Bodies are strict: a number sent as a string is rejected, unknown field
names are rejected, and every time needs a zone. Each validation error
becomes one 400 message that names the field and what to send instead.
"""

import difflib
from datetime import datetime
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mockserver.carriers import CarrierState
from mockserver.control.errors import invalid_request
from mockserver.durations import (
    EARLIEST_INSTANT,
    LATEST_INSTANT,
    check_clock_range,
    parse_instant,
    parse_iso_duration,
)
from mockserver.keys import MIN_RATE_WINDOW_SECONDS, KeyPolicy

# The largest integer that every JSON client reads exactly.
MAX_COUNT = 2**53 - 1
MAX_RATE_WINDOW_SECONDS = 86_400 * 31
MAX_ADVANCE_SECONDS = (LATEST_INSTANT - EARLIEST_INSTANT).total_seconds()
MAX_JOURNAL_LIMIT = 1_000_000
MAX_PROBLEMS_SHOWN = 5

BodyT = TypeVar("BodyT", bound="Body")
_DEFAULT_POLICY = KeyPolicy(key="")


def _instant(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 string such as 2026-03-01T12:00:00Z")
    return check_clock_range(parse_instant(value))


def _lower_case(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


_COUNT_HINT = "send a whole number, 0 or more, without quotes"
_WINDOW_HINT = "send seconds as a number above 0 and at most 31 days"
_MILLISECONDS_HINT = "send a number of milliseconds, 0 or more, without quotes"

Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
WindowSeconds = Annotated[
    float, Field(ge=MIN_RATE_WINDOW_SECONDS, le=MAX_RATE_WINDOW_SECONDS)
]
Description = Annotated[str, Field(max_length=500)]
Instant = Annotated[datetime, BeforeValidator(_instant)]
Milliseconds = Annotated[float, Field(ge=0)]


class Body(BaseModel):
    """A control request body: a JSON object with known fields only."""

    model_config = ConfigDict(
        strict=True, extra="forbid", allow_inf_nan=False, frozen=True
    )
    example: ClassVar[str] = "{}"
    # What to send instead, added to the message of an invalid field.
    hints: ClassVar[dict[str, str]] = {}


class EmptyBody(Body):
    """The body of endpoints that take no input: nothing, or `{}`."""


class CarrierStateBody(Body):
    """The new state of a carrier."""

    example: ClassVar[str] = '{"state": "maintenance"}'
    state: Annotated[CarrierState, BeforeValidator(_lower_case)]


class KeyBody(Body):
    """A whole key policy; fields left out take the shipped defaults."""

    example: ClassVar[str] = (
        '{"quota": 100, "rate_limit": 5, "rate_window_seconds": 60}'
    )
    description: Description = ""
    quota: Count = _DEFAULT_POLICY.quota
    used: Count = _DEFAULT_POLICY.used
    rate_limit: Count = _DEFAULT_POLICY.rate_limit
    rate_window_seconds: WindowSeconds = _DEFAULT_POLICY.rate_window_seconds
    expires_at: Instant | None = None
    tracking_access: bool = True


class KeyPatchBody(Body):
    """The fields of a key policy to change; the others keep their values."""

    example: ClassVar[str] = '{"quota": 100}'
    hints: ClassVar[dict[str, str]] = KeyBody.hints
    description: Description | None = None
    quota: Count | None = None
    used: Count | None = None
    rate_limit: Count | None = None
    rate_window_seconds: WindowSeconds | None = None
    expires_at: Instant | None = None
    tracking_access: bool | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        for name in sorted(self.model_fields_set):
            if name != "expires_at" and getattr(self, name) is None:
                raise ValueError(
                    f"{name} cannot be null; leave it out to keep the current value"
                )
        return self


class FreezeBody(Body):
    """The instant to stop the clock at; without `at`, the current mock time."""

    example: ClassVar[str] = '{"at": "2026-03-01T12:00:00Z"}'
    at: Instant | None = None


class AdvanceBody(Body):
    """How far to move the clock: `seconds`, or an ISO 8601 `duration`."""

    example: ClassVar[str] = '{"seconds": 90} or {"duration": "PT1M30S"}'
    hints: ClassVar[dict[str, str]] = {
        "seconds": "send 0 or more seconds, because the clock only moves forward"
    }
    seconds: Annotated[float, Field(ge=0, le=MAX_ADVANCE_SECONDS)] | None = None
    duration: str | None = None

    @field_validator("duration")
    @classmethod
    def _iso_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_iso_duration(value)
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.seconds is None) == (self.duration is None):
            raise ValueError("send exactly one of seconds and duration")
        return self

    @property
    def total_seconds(self) -> float:
        """The distance to move the clock, in seconds."""
        if self.duration is not None:
            return parse_iso_duration(self.duration)
        return self.seconds or 0.0


class DelaysBody(Body):
    """New response delays in milliseconds; fields left out keep their value."""

    example: ClassVar[str] = '{"delay_ms": 0, "no_response_delay_ms": 3000}'
    hints: ClassVar[dict[str, str]] = {
        "delay_ms": _MILLISECONDS_HINT,
        "no_response_delay_ms": _MILLISECONDS_HINT,
    }
    delay_ms: Milliseconds | None = None
    no_response_delay_ms: Milliseconds | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Self:
        if self.delay_ms is None and self.no_response_delay_ms is None:
            raise ValueError("send delay_ms, no_response_delay_ms or both")
        return self


class JournalFilter(BaseModel):
    """Query parameters of `GET /__mock/journal`; numbers arrive as text."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    reference_number: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    status_code: Annotated[str, BeforeValidator(str.upper)] | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_JOURNAL_LIMIT)] | None = None
    after: Annotated[int, Field(ge=0)] | None = None


JSON_WHITESPACE = b" \t\r\n"


def parse_body(raw: bytes, model: type[BodyT]) -> BodyT:
    """Validate a request body; an empty body counts as `{}`.

    Only JSON's own whitespace counts as empty: bytes.strip() would also drop
    a form feed, which is not valid JSON. Raises ControlError (400
    WRONG_PARAMETERS) that names each problem.
    """
    try:
        empty = not raw.strip(JSON_WHITESPACE)
        return model.model_validate_json(b"{}" if empty else raw)
    except ValidationError as error:
        raise invalid_request(describe_problems(error, model)) from None


def parse_journal_filter(params: list[tuple[str, str]]) -> JournalFilter:
    """Validate the journal's query parameters; each may appear once."""
    seen: dict[str, str] = {}
    for name, value in params:
        if name in seen:
            raise invalid_request(
                f"query parameter {name!r} is given twice; send it once"
            )
        seen[name] = value
    try:
        return JournalFilter.model_validate(seen)
    except ValidationError as error:
        raise invalid_request(describe_problems(error, JournalFilter)) from None


def reject_query(params: list[tuple[str, str]]) -> None:
    """Raise ControlError when an endpoint without parameters receives some."""
    if params:
        names = ", ".join(sorted({name for name, _ in params}))
        raise invalid_request(
            f"unknown query parameter(s) {names}; this endpoint takes none"
        )


def describe_problems(error: ValidationError, model: type[BaseModel]) -> str:
    """Write a validation error as one message, up to five problems long."""
    problems = [
        _describe(problem, model) for problem in error.errors()[:MAX_PROBLEMS_SHOWN]
    ]
    more = error.error_count() - len(problems)
    if more > 0:
        problems.append(f"and {more} more")
    return "; ".join(problems)


def _describe(problem: Any, model: type[BaseModel]) -> str:
    example = getattr(model, "example", None)
    hints: dict[str, str] = getattr(model, "hints", {})
    kind = problem["type"]
    location = ".".join(str(part) for part in problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    shape = f" such as {example}" if example else ""
    if kind == "json_invalid":
        detail = message.removeprefix("Invalid JSON: ")
        return f"the request body is not valid JSON ({detail}); send an object{shape}"
    if kind == "model_type":
        return f"the request body must be a JSON object{shape}"
    if kind == "extra_forbidden":
        return _unknown_field(location, model)
    if kind == "missing":
        return f"field {location!r} is missing; send an object{shape}"
    if not location:
        return message
    hint = hints.get(location)
    return f"field {location!r}: {message}" + (f"; {hint}" if hint else "")


def _unknown_field(name: str, model: type[BaseModel]) -> str:
    known = sorted(model.model_fields)
    if not known:
        return f"unknown field {name!r}; this endpoint takes no fields"
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown field {name!r}{hint}; known fields are {', '.join(known)}"
