"""Keys: the registry, accept-any-key mode, the checks and masking."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mockserver.keys import KeyPolicy, KeyRegistry, check_key, mask_key, resolve_key
from mockserver.outcomes import Outcome, OutcomeError
from mockserver.scenario_files import load_scenarios
from mockserver.settings import Settings
from mockserver.state import build_state

EXPIRY = datetime(2026, 3, 2, 9, 30, 16, tzinfo=UTC)
DEFAULT = KeyPolicy(key="", quota=7, rate_limit=8, rate_window_seconds=9)


def test_unknown_key_not_found() -> None:
    registry = KeyRegistry({}, default_policy=DEFAULT)

    assert registry.lookup("anything") is None


def test_any_key_gets_default_policy() -> None:
    registry = KeyRegistry({}, accept_any_key=True, default_policy=DEFAULT)

    policy = registry.lookup("anything")

    assert policy is not None
    assert policy.key == "anything"
    assert policy.quota == 7
    assert policy.rate_limit == 8
    assert policy.rate_window_seconds == 9
    assert policy.used == 0
    assert policy.known is False


def test_any_key_mode_needs_a_key() -> None:
    registry = KeyRegistry({}, accept_any_key=True)

    assert registry.lookup("") is None


def test_registered_key_is_known() -> None:
    registered = KeyPolicy(key="mine", quota=3)
    registry = KeyRegistry({"mine": registered}, accept_any_key=True)

    assert registry.lookup("mine") is registered
    assert registered.known is True


def test_settings_set_default_policy() -> None:
    settings = Settings(
        default_quota=11, default_rate_limit=12, default_rate_window_seconds=13
    )

    policy = build_state(settings).scenarios.keys.default_policy

    assert (policy.quota, policy.rate_limit, policy.rate_window_seconds) == (
        11,
        12,
        13,
    )


def test_expiry_takes_effect_at_instant() -> None:
    policy = KeyPolicy(key="k", expires_at=EXPIRY)

    assert check_key(policy, "k", (EXPIRY - timedelta(seconds=1)).timestamp()) is policy
    with pytest.raises(OutcomeError) as caught:
        check_key(policy, "k", EXPIRY.timestamp())
    assert caught.value.outcome is Outcome.API_KEY_EXPIRED
    assert caught.value.reason == "key expired at 2026-03-02 09:30:16 UTC"


def test_expiry_checked_before_access() -> None:
    policy = KeyPolicy(key="k", expires_at=EXPIRY, tracking_access=False)

    with pytest.raises(OutcomeError) as caught:
        check_key(policy, "k", EXPIRY.timestamp())

    assert caught.value.outcome is Outcome.API_KEY_EXPIRED


def test_unknown_key_reason_masks_key() -> None:
    with pytest.raises(OutcomeError) as caught:
        check_key(None, "a-long-secret-key", EXPIRY.timestamp())

    assert caught.value.outcome is Outcome.INVALID_API_KEY
    assert "a-long-secret-key" not in caught.value.reason
    assert "a-lo...key" in caught.value.reason


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        ("", ""),
        ("short", "*****"),
        ("12345678", "********"),
        ("123456789", "1234...789"),
    ],
)
def test_mask_key(key: str, masked: str) -> None:
    assert mask_key(key) == masked


@pytest.mark.parametrize(
    ("query_key", "header_key", "expected"),
    [("a", None, "a"), (None, "b", "b"), (" a ", "a", "a"), ("", "b", "b")],
)
def test_resolve_key(
    query_key: str | None, header_key: str | None, expected: str
) -> None:
    assert resolve_key(query_key, header_key) == expected


@pytest.mark.parametrize(("query_key", "header_key"), [(None, None), ("a", "b")])
def test_resolve_key_rejects(query_key: str | None, header_key: str | None) -> None:
    with pytest.raises(OutcomeError) as caught:
        resolve_key(query_key, header_key)

    assert caught.value.outcome is Outcome.INVALID_API_KEY


# The shipped keys, as the README lists them.
SHIPPED = {
    "mock-valid-key": (100_000_000, 0, 10_000_000, 60.0, None, True),
    "mock-expired-key": (
        1_000_000,
        0,
        600,
        60.0,
        datetime(2026, 1, 31, tzinfo=UTC),
        True,
    ),
    "mock-denied-key": (1_000_000, 0, 600, 60.0, None, False),
    "mock-exhausted-key": (1000, 1000, 600, 60.0, None, True),
    "mock-throttled-key": (100_000, 0, 3, 60.0, None, True),
}


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_shipped_key(key: str) -> None:
    policy = load_scenarios().keys.lookup(key)

    assert policy is not None
    assert (
        policy.quota,
        policy.used,
        policy.rate_limit,
        policy.rate_window_seconds,
        policy.expires_at,
        policy.tracking_access,
    ) == SHIPPED[key]


def test_no_other_shipped_keys() -> None:
    assert set(load_scenarios().keys.keys) == set(SHIPPED)


README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
LIMITS_SECTION = README.split("## Keys, quotas and rate limits", 1)[1].split("\n## ")[0]


def test_readme_key_table_matches_data() -> None:
    rows = re.findall(
        r"^\| `(mock-[a-z-]+)` \| ([\d,]+)[^|]* \| ([\d,]+) per (\d+) s \|",
        LIMITS_SECTION,
        re.MULTILINE,
    )

    assert {row[0] for row in rows} == set(SHIPPED)
    for key, quota, rate_limit, window in rows:
        policy = load_scenarios().keys.lookup(key)
        assert policy is not None
        assert policy.quota == int(quota.replace(",", "")), key
        assert policy.rate_limit == int(rate_limit.replace(",", "")), key
        assert policy.rate_window_seconds == int(window), key


def test_readme_settings_table_matches_defaults() -> None:
    rows = re.findall(
        r"^\| `--([a-z-]+)` \| `QUBICTRON_MOCK_([A-Z_]+)` \| `([^`]+)` \|",
        LIMITS_SECTION,
        re.MULTILINE,
    )
    fields = Settings.model_fields

    assert len(rows) == 6
    for flag, variable, default in rows:
        name = flag.replace("-", "_")
        assert variable == name.upper()
        assert str(fields[name].default).removesuffix(".0") == default, flag
