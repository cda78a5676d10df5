"""The server's settings: defaults, then environment variables, then CLI flags."""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mockserver.http.cors import parse_origins

ENV_PREFIX = "QUBICTRON_MOCK_"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Every setting of the mock. Each one is also read from QUBICTRON_MOCK_<NAME>."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

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
    shipment_cache_size: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        4096, description="Rendered shipments kept in memory."
    )
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
        return value
