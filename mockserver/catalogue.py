"""The scenario catalogue: every way to reach every outcome.

Built from the same data the scenario engine reads, so it cannot drift from
what the server does.
"""

from datetime import datetime
from typing import Any

from mockserver.carriers import STATE_OUTCOMES, CarrierRegistry
from mockserver.keys import KeyPolicy, KeyRegistry
from mockserver.magic import MagicNumbers
from mockserver.outcomes import Outcome
from mockserver.references import ReferenceType

FORCE_HEADER = "X-Mock-Status"


def build_catalogue(
    carriers: CarrierRegistry, magic: MagicNumbers, keys: KeyRegistry, now: datetime
) -> dict[str, Any]:
    """Return the catalogue as JSON-ready data, one entry per outcome."""
    entries = {
        outcome.name: {
            "status_code": outcome.name,
            "http_status": outcome.http_status,
            "success": outcome.success,
            "message": outcome.message,
            "header": {"name": FORCE_HEADER, "value": outcome.name},
            "magic_numbers": [],
            "keys": [],
            "carriers": [],
        }
        for outcome in Outcome
    }

    for family in magic.families:
        detection = carriers.detect_number(family.example(), family.reference_type)
        entries[family.outcome.name]["magic_numbers"].append(
            {
                "pattern": family.pattern,
                "prefix": family.prefix,
                "suffix_digits": family.suffix_digits,
                "example": family.example(),
                "reference_type": family.reference_type.value,
                "carrier_code": detection.code if detection else None,
                "description": family.description,
            }
        )

    for policy in keys.keys.values():
        outcome, how = _key_outcome(policy, now)
        entries[outcome.name]["keys"].append(
            {"key": policy.key, "description": policy.description, "how": how}
        )
    entries[Outcome.INVALID_API_KEY.name]["keys"].append(
        {
            "key": "any unknown key, or none",
            "description": "",
            "how": "send a key that is not registered, or no key",
        }
    )

    for carrier in carriers:
        state_outcome = STATE_OUTCOMES.get(carrier.state)
        if state_outcome is not None:
            entries[state_outcome.name]["carriers"].append(
                {
                    "carrier_code": carrier.code,
                    "name": carrier.name,
                    "how": f"carrier_code={carrier.code}",
                }
            )
            continue
        for reference_type in ReferenceType:
            if reference_type not in carrier.reference_types:
                entries[Outcome.CARRIER_NOT_SUPPORT_REF_TYPE.name]["carriers"].append(
                    {
                        "carrier_code": carrier.code,
                        "name": carrier.name,
                        "how": f"carrier_code={carrier.code}&"
                        f"reference_type={reference_type.value}",
                    }
                )
    return {"outcomes": list(entries.values())}


def _key_outcome(policy: KeyPolicy, now: datetime) -> tuple[Outcome, str]:
    if policy.expires_at is not None and now >= policy.expires_at:
        return Outcome.API_KEY_EXPIRED, f"expired at {policy.expires_at.isoformat()}"
    if not policy.tracking_access:
        return Outcome.API_KEY_ACCESS_DENIED, "no access to the tracking product"
    if policy.used >= policy.quota:
        return (
            Outcome.API_KEY_QUOTA_EXCEEDED,
            f"quota of {policy.quota} already used",
        )
    if policy.rate_limit <= 10:
        return (
            Outcome.API_KEY_RATE_LIMIT_EXCEEDED,
            f"send more than {policy.rate_limit} requests within "
            f"{policy.rate_window_seconds:g} s",
        )
    return Outcome.OK, "a working key"
