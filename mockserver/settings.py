"""The server's settings: defaults, then environment variables, then CLI flags."""

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from mockserver.durations import check_clock_range
from mockserver.http.cors import parse_origins
from mockserver.keys import MIN_RATE_WINDOW_SECONDS

ENV_PREFIX = "QUBICTRON_MOCK_"
MAX_JOURNAL_SIZE = 100_000
MAX_DELAY_CAP_SECONDS = 3600.0
_TOKEN_CHARACTERS = re.compile(r"[\x21-\x7e]{1,256}")
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseModel):
    """Every setting of the mock. Each one is also read from QUBICTRON_MOCK_<NAME>.

    Keyword arguments win over environment variables, which win over the
    defaults. Variable names match in any letter case, and variables with
    the prefix that name no setting are ignored.
    """

    # A plain model that reads the environment itself, because importing
    # pydantic-settings cost every server start about 35 ms of CPU time
    # (measured with time.process_time on a busy 2-core machine).
    model_config = ConfigDict(extra="forbid", validate_default=True)

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**_environment_values(), **values})

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: Annotated[int, Field(ge=0, le=65535)] = Field(
        8080, description="TCP port to listen on; 0 picks a free one."
    )
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(
        0, description="Seed of the generated data; same seed, same shipments."
    )
    scenarios: Path | None = Field(
        None,
        description="Folder of scenario files that add to or replace the shipped ones.",
    )
    log_level: LogLevel = Field("INFO", description="Level of the server's log.")
    accept_any_key: bool = Field(
        False, description="Treat any non-empty unknown API key as a fresh valid key."
    )
    frozen_at: datetime | None = Field(
        None,
        description="Start with the mock clock frozen at this instant (RFC 3339).",
    )
    redis_url: str | None = Field(
        None,
        description="Keep usage counters in this Redis server, shared by workers.",
    )
    redis_prefix: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        "qubictron-mock:",
        description="Prefix of every Redis key the mock writes; a reset deletes "
        "only keys with this prefix.",
    )
    workers: Annotated[int, Field(ge=1, le=64)] = Field(
        1,
        description="Worker processes; more than one needs redis_url, so that "
        "they share counters.",
    )
    default_quota: Annotated[int, Field(ge=0)] = Field(
        1_000_000,
        description="Billable requests per calendar month for an unknown key "
        "accepted by accept_any_key.",
    )
    default_rate_limit: Annotated[int, Field(ge=0)] = Field(
        600,
        description="Requests per rate window for an unknown key accepted by "
        "accept_any_key.",
    )
    default_rate_window_seconds: Annotated[
        float, Field(ge=MIN_RATE_WINDOW_SECONDS, le=86_400 * 31)
    ] = Field(60.0, description="Length in seconds of an unknown key's rate window.")
    max_unknown_keys: Annotated[int, Field(ge=1, le=100_000_000)] = Field(
        100_000,
        description="Unknown keys whose counters the in-memory store keeps; "
        "beyond it the least recently used are forgotten.",
    )
    shipment_cache_size: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        4096,
        description="Rendered shipments kept in memory, and as many rendered "
        "journeys; both caches are bounded in bytes too, and 0 turns them off.",
    )
    control_plane: bool = Field(
        True, description="Serve the control endpoints under /__mock/; off gives 404."
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Token that every /__mock/ request must send, in X-Admin-Token "
        "or Authorization: Bearer; unset means no token is needed.",
    )
    journal_size: Annotated[int, Field(ge=0, le=MAX_JOURNAL_SIZE)] = Field(
        1000,
        description="Requests the journal keeps; the oldest go first; 0 keeps none.",
    )
    max_delay_seconds: Annotated[float, Field(ge=0, le=MAX_DELAY_CAP_SECONDS)] = Field(
        10.0,
        description="Maximum delay in seconds that a setting or X-Mock-Delay may set.",
    )
    delay_seconds: Annotated[float, Field(ge=0)] = Field(
        0.0, description="Delay added to every tracking response, in seconds."
    )
    no_response_delay_seconds: Annotated[float, Field(ge=0)] = Field(
        0.0,
        description="Delay before a CARRIER_NO_RESPONSE response, in seconds, so "
        "clients can test their time-outs.",
    )

    @model_validator(mode="after")
    def _shared_counters(self) -> "Settings":
        if self.workers > 1 and not self.redis_url:
            raise ValueError(
                f"workers = {self.workers} needs redis_url (--redis-url), because "
                f"each worker process would otherwise keep its own counters"
            )
        return self

    cors_origins: str = Field(
        "*",
        description="Origins whose pages may read the API's responses: * for any, "
        "or a comma-separated list such as http://localhost:3000; empty for none.",
    )
    control_cors_origins: str = Field(
        "",
        description="Origins whose pages may use the control plane under /__mock/, "
        "comma-separated; empty for none.",
    )
    header_timeout: Annotated[float, Field(gt=0, le=3600)] = Field(
        10.0, description="Seconds a client has to send the request line and headers."
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("cors_origins", "control_cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        parse_origins(value)
        return value

    @field_validator("frozen_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a time zone, for example 2026-03-01T12:00:00Z")
        return None if value is None else check_clock_range(value)

    @field_validator("admin_token")
    @classmethod
    def _usable_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_CHARACTERS.fullmatch(
            value.get_secret_value()
        ):
            raise ValueError(
                "must be 1 to 256 printable ASCII characters without spaces; "
                "unset it to turn the token check off"
            )
        return value

    @model_validator(mode="after")
    def _delays_within_maximum(self) -> Self:
        for name in ("delay_seconds", "no_response_delay_seconds"):
            if getattr(self, name) > self.max_delay_seconds:
                raise ValueError(
                    f"{name} ({getattr(self, name):g} s) exceeds max_delay_seconds "
                    f"({self.max_delay_seconds:g} s); raise max_delay_seconds too"
                )
        return self


def _environment_values() -> dict[str, str]:
    """Return the QUBICTRON_MOCK_* variables that name a setting, by setting name."""
    prefix = ENV_PREFIX.lower()
    values = {}
    for variable, value in os.environ.items():
        lowered = variable.lower()
        if not lowered.startswith(prefix):
            continue
        name = lowered[len(prefix) :]
        if name in Settings.model_fields:
            values[name] = value
    return values
