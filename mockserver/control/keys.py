"""API keys at run time: create, replace, update and delete, and their usage.

Usage counters live in the counter store, apart from the policies, so
changing a policy keeps a key's usage unless the request sends `used`.
"""

import logging
import re
from dataclasses import replace
from typing import Any

from mockserver.control.errors import ControlError, invalid_request, not_found
from mockserver.control.inputs import KeyBody, KeyPatchBody
from mockserver.durations import format_instant
from mockserver.keys import KeyPolicy, mask_key
from mockserver.state import MockState

logger = logging.getLogger(__name__)

MAX_KEY_LENGTH = 200
# Keys travel in URLs and headers: printable ASCII, no spaces. A key with a
# slash cannot be named in a path, so those stay in keys.toml.
_KEY_NAME = re.compile(rf"[\x21-\x2e\x30-\x7e]{{1,{MAX_KEY_LENGTH}}}")


async def list_keys(state: MockState) -> dict[str, Any]:
    """Return every registered key with its policy and current usage count."""
    registry = state.scenarios.keys
    return {
        "keys": [
            await _key_view(state, registry.keys[key]) for key in sorted(registry.keys)
        ]
    }


async def get_key(state: MockState, key: str) -> dict[str, Any]:
    """Return one registered key."""
    return await _key_view(state, _registered(state, key))


async def put_key(
    state: MockState, key: str, body: KeyBody
) -> tuple[dict[str, Any], bool]:
    """Create a key or replace its policy; return its view and whether it is new.

    Usage is kept unless the body sends `used`: then the key's usage
    restarts at that count with a fresh rate window. A new key always starts
    fresh, so counters left by a deleted key of the same name are dropped.
    """
    _check_key_name(key)
    existing = state.scenarios.keys.keys.get(key)
    fields = body.model_dump()
    if existing is not None and "used" not in body.model_fields_set:
        fields["used"] = existing.used
    policy = KeyPolicy(key=key, **fields)
    state.scenarios.keys.put(policy)
    if existing is None or "used" in body.model_fields_set:
        await state.store.reset(key)
    logger.info(
        "key %s %s", mask_key(key), "created" if existing is None else "replaced"
    )
    return await _key_view(state, policy), existing is None


async def patch_key(state: MockState, key: str, body: KeyPatchBody) -> dict[str, Any]:
    """Change some fields of a registered key; usage is kept unless `used` is sent."""
    existing = _registered(state, key)
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    policy = replace(existing, **changes)
    state.scenarios.keys.put(policy)
    if "used" in changes:
        await state.store.reset(key)
    logger.info("key %s updated: %s", mask_key(key), ", ".join(sorted(changes)))
    return await _key_view(state, policy)


async def delete_key(state: MockState, key: str) -> dict[str, Any]:
    """Remove a key and its counters; a reset brings a loaded key back."""
    policy = _registered(state, key)
    state.scenarios.keys.remove(key)
    await state.store.reset(key)
    logger.info("key %s deleted", mask_key(key))
    return _policy_fields(policy)


async def key_usage(state: MockState, key: str) -> dict[str, Any]:
    """Return a key's quota and rate-window counters at the current mock time.

    Keys accepted only because the server accepts any key have usage too.
    """
    policy = state.scenarios.keys.lookup(key)
    if policy is None:
        raise _unknown_key(key)
    usage = await state.store.peek(policy, state.clock.time())
    return {
        "key": policy.key,
        "total": usage.quota_total,
        "used": usage.quota_used,
        "remaining": usage.quota_remaining,
        "quota_reset_seconds": usage.quota_reset_seconds,
        "rate_limit": usage.rate_limit,
        "rate_remaining": usage.rate_remaining,
        "rate_window_seconds": policy.rate_window_seconds,
        "rate_reset_seconds": usage.rate_reset_seconds,
    }


async def reset_key_usage(state: MockState, key: str) -> dict[str, Any]:
    """Forget a key's counters: usage restarts at the key's `used` count."""
    policy = state.scenarios.keys.lookup(key)
    if policy is None:
        raise _unknown_key(key)
    await state.store.reset(key)
    return await key_usage(state, key)


def _registered(state: MockState, key: str) -> KeyPolicy:
    policy = state.scenarios.keys.keys.get(key)
    if policy is None:
        raise _unknown_key(key)
    return policy


def _unknown_key(key: str) -> ControlError:
    return not_found(
        f"key {mask_key(key)} is not registered; GET /__mock/keys lists the keys, "
        "PUT /__mock/keys/{key} creates one"
    )


def _check_key_name(key: str) -> None:
    if not _KEY_NAME.fullmatch(key):
        raise invalid_request(
            f"key {mask_key(key)!r} is not a valid key name; use 1 to "
            f"{MAX_KEY_LENGTH} printable ASCII characters without spaces or slashes"
        )


async def _key_view(state: MockState, policy: KeyPolicy) -> dict[str, Any]:
    usage = await state.store.peek(policy, state.clock.time())
    return _policy_fields(policy) | {
        "used": usage.quota_used,
        "remaining": usage.quota_remaining,
        "expired": policy.expires_at is not None
        and state.clock.now() >= policy.expires_at,
    }


def _policy_fields(policy: KeyPolicy) -> dict[str, Any]:
    return {
        "key": policy.key,
        "description": policy.description,
        "quota": policy.quota,
        "used": policy.used,
        "rate_limit": policy.rate_limit,
        "rate_window_seconds": policy.rate_window_seconds,
        "expires_at": format_instant(policy.expires_at) if policy.expires_at else None,
        "tracking_access": policy.tracking_access,
    }
