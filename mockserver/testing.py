"""A client for a running mock: its URLs and its control plane under /__mock/.

`QubictronMock` is what the pytest plugin's fixtures return; it works with
any test runner. It uses only the standard library. Every method sends one
control request and returns the `data` of the response envelope, or raises
ControlRequestError with the server's message.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from mockserver.magic import MagicFamily
from mockserver.outcomes import Outcome
from mockserver.references import ReferenceType

VALID_KEY = "mock-valid-key"
ADMIN_TOKEN_VARIABLE = "QUBICTRON_MOCK_ADMIN_TOKEN"
DEFAULT_TIMEOUT_SECONDS = 10.0
# Requests to the mock must never go through a proxy named in the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ControlRequestError(Exception):
    """A control request that the mock rejected, or that got no response."""

    def __init__(
        self, method: str, path: str, http_status: int, status_code: str, message: str
    ) -> None:
        super().__init__(
            f"{method} {path} failed with {http_status} {status_code}: {message}"
        )
        self.http_status = http_status
        self.status_code = status_code
        self.message = message


class QubictronMock:
    """A running mock server and a client for its control plane.

    `base_url` is what a tracking client should use in place of
    https://api.qubictron.com; `tracking_url` is the ocean endpoint itself.
    The admin token, when the server needs one, comes from the argument or
    from the QUBICTRON_MOCK_ADMIN_TOKEN environment variable.
    """

    def __init__(
        self,
        base_url: str,
        *,
        admin_token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tracking_url = f"{self.base_url}/tracking/v1/ocean"
        self.valid_key = VALID_KEY
        self.timeout = timeout
        self._admin_token = admin_token or os.environ.get(ADMIN_TOKEN_VARIABLE)
        self._catalogue: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"QubictronMock({self.base_url!r})"

    # Whole state

    def reset(self) -> None:
        """Return the mock to its start state.

        Usage, rate windows, the journal, the clock, carrier states, keys and
        delays all go back to what the server started with.
        """
        self._call("POST", "/reset")

    def scenarios(self) -> dict[str, Any]:
        """Return the catalogue: every way to reach every outcome."""
        if self._catalogue is None:
            self._catalogue = self._call("GET", "/scenarios")
        return self._catalogue

    def magic_number(
        self, outcome: str, suffix: int = 1, reference_type: str = "BL"
    ) -> str:
        """Return a reference number that leads to `outcome`.

        Use a different `suffix` in each test so parallel tests never share a
        number. `reference_type` is BL or CONTAINER; container numbers carry
        their ISO 6346 check digit.
        """
        requested_type = reference_type.upper()
        for entry in self.scenarios()["outcomes"]:
            if entry["status_code"] != outcome.upper():
                continue
            for family in entry["magic_numbers"]:
                if family["reference_type"] == requested_type:
                    return MagicFamily(
                        outcome=Outcome[entry["status_code"]],
                        reference_type=ReferenceType(requested_type),
                        prefix=family["prefix"],
                        suffix_digits=family["suffix_digits"],
                    ).example(suffix)
        raise ValueError(
            f"no {requested_type} magic number leads to {outcome!r}; see "
            "`qubictron-mock scenarios` for the outcomes and reference types"
        )

    # Clock

    def now(self) -> datetime:
        """Return the mock clock's current time."""
        return _instant(self._call("GET", "/clock")["now"])

    def freeze(self, at: datetime | str | None = None) -> datetime:
        """Stop the clock at `at` (aware datetime or RFC 3339), or where it is."""
        body = {} if at is None else {"at": _rfc3339(at)}
        return _instant(self._call("POST", "/clock/freeze", body)["now"])

    def advance(self, by: float | timedelta | str) -> datetime:
        """Move the clock forward by seconds, a timedelta or an ISO 8601 duration."""
        if isinstance(by, str):
            body: dict[str, Any] = {"duration": by}
        elif isinstance(by, timedelta):
            body = {"seconds": by.total_seconds()}
        else:
            body = {"seconds": by}
        return _instant(self._call("POST", "/clock/advance", body)["now"])

    def release(self) -> datetime:
        """Let the clock follow real time again."""
        return _instant(self._call("POST", "/clock/release")["now"])

    # Carriers

    def list_carriers(self) -> list[dict[str, Any]]:
        """Return every carrier with its state."""
        carriers: list[dict[str, Any]] = self._call("GET", "/carriers")["carriers"]
        return carriers

    def set_carrier_state(self, code: str, state: str) -> dict[str, Any]:
        """Put carrier `code` into a state until the next reset.

        States: active, unsupported, disabled, maintenance, no_response.
        """
        return self._call("PUT", f"/carriers/{_segment(code)}", {"state": state})

    # Keys

    def list_keys(self) -> list[dict[str, Any]]:
        """Return every registered key with its policy and usage count."""
        keys: list[dict[str, Any]] = self._call("GET", "/keys")["keys"]
        return keys

    def key(self, key: str) -> dict[str, Any]:
        """Return one registered key."""
        return self._call("GET", f"/keys/{_segment(key)}")

    def put_key(self, key: str, **policy: Any) -> dict[str, Any]:
        """Create `key` or replace its policy.

        Fields: description, quota, used, rate_limit, rate_window_seconds,
        expires_at (aware datetime or RFC 3339) and tracking_access. Left-out
        fields take the defaults; usage is kept unless `used` is given.
        """
        return self._call("PUT", f"/keys/{_segment(key)}", _policy_body(policy))

    def update_key(self, key: str, **changes: Any) -> dict[str, Any]:
        """Change some fields of a registered key; the others stay."""
        return self._call("PATCH", f"/keys/{_segment(key)}", _policy_body(changes))

    def delete_key(self, key: str) -> None:
        """Delete a key; `reset()` brings back a key the server loaded."""
        self._call("DELETE", f"/keys/{_segment(key)}")

    def usage(self, key: str) -> dict[str, Any]:
        """Return a key's quota and rate-window counters."""
        return self._call("GET", f"/keys/{_segment(key)}/usage")

    def reset_usage(self, key: str) -> dict[str, Any]:
        """Forget a key's counters; return the fresh usage."""
        return self._call("DELETE", f"/keys/{_segment(key)}/usage")

    # Journal

    def journal(
        self,
        reference_number: str | None = None,
        status_code: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Return the requests the mock received, newest first, keys masked."""
        query = {
            name: value
            for name, value in (
                ("reference_number", reference_number),
                ("status_code", status_code),
                ("limit", limit),
            )
            if value is not None
        }
        entries: list[dict[str, Any]] = self._call("GET", "/journal", query=query)[
            "entries"
        ]
        return entries

    def clear_journal(self) -> None:
        """Forget every journal entry."""
        self._call("DELETE", "/journal")

    # Delays

    def set_delays(
        self,
        delay_ms: float | None = None,
        no_response_delay_ms: float | None = None,
    ) -> dict[str, Any]:
        """Delay every tracking response, or each CARRIER_NO_RESPONSE response."""
        body = {
            name: value
            for name, value in (
                ("delay_ms", delay_ms),
                ("no_response_delay_ms", no_response_delay_ms),
            )
            if value is not None
        }
        return self._call("PUT", "/delays", body)

    # Transport

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
    ) -> Any:
        url = f"{self.base_url}/__mock{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self._admin_token:
            headers["X-Admin-Token"] = self._admin_token
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with _DIRECT.open(request, timeout=self.timeout) as response:
                return json.loads(response.read())["data"]
        except urllib.error.HTTPError as error:
            raise _rejected(method, path, error) from None
        except (OSError, urllib.error.URLError) as error:
            raise ControlRequestError(
                method,
                path,
                0,
                "UNREACHABLE",
                f"no response from {self.base_url}: {error}",
            ) from error


def _rejected(
    method: str, path: str, error: urllib.error.HTTPError
) -> ControlRequestError:
    raw = error.read()
    try:
        body = json.loads(raw)
        return ControlRequestError(
            method, path, error.code, body["status_code"], body["message"]
        )
    except (ValueError, KeyError, TypeError):
        return ControlRequestError(
            method, path, error.code, "HTTP_ERROR", raw[:200].decode("utf-8", "replace")
        )


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _rfc3339(moment: datetime | str) -> str:
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        raise ValueError(
            f"{moment.isoformat()} has no time zone; pass an aware datetime, "
            "for example datetime(2026, 3, 1, 12, tzinfo=UTC)"
        )
    return moment.isoformat()


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _policy_body(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        name: _rfc3339(value) if isinstance(value, datetime) else value
        for name, value in fields.items()
    }
