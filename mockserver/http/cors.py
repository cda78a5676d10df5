"""CORS policies: the browser origins that may call the mock, and their headers.

The emulated API is open to browser front ends by default: any origin,
without credentials. The control plane under /__mock/ is closed to pages
of other origins unless configured, so that a web page cannot reset or
reconfigure a developer's local mock.
"""

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

ANY_ORIGIN = "*"
# The request headers a page may send to the emulated API.
API_ALLOW_HEADERS = (
    b"X-API-Key, X-Request-Id, X-Mock-Status, X-Mock-Delay, Content-Type"
)
API_ALLOW_METHODS = b"GET, HEAD"
CONTROL_ALLOW_HEADERS = b"Content-Type, X-Request-Id"
CONTROL_ALLOW_METHODS = b"GET, POST, PUT, PATCH, DELETE"
# The response headers a page may read; browsers hide all others.
EXPOSE_HEADERS = (
    b"X-Request-Id, X-Mock-Reason, Retry-After, X-RateLimit-Limit, "
    b"X-RateLimit-Remaining, X-RateLimit-Reset"
)
PREFLIGHT_MAX_AGE_SECONDS = b"600"

_ORIGIN = re.compile(r"https?://([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?")
_VARY_ORIGIN = (b"vary", b"Origin")
_ANY_ORIGIN_HEADERS = (
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", EXPOSE_HEADERS),
)


def parse_origins(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of origins, or `*` for any origin.

    Origins are compared as browsers send them: scheme, host and an
    optional port, lower-cased, without a trailing slash. Raises
    ValueError on anything else.
    """
    origins = []
    for part in text.split(","):
        origin = part.strip().rstrip("/").lower()
        if not origin:
            continue
        if origin != ANY_ORIGIN and not _ORIGIN.fullmatch(origin):
            raise ValueError(
                f"{part.strip()!r} is not an origin such as http://localhost:3000 or *"
            )
        origins.append(origin)
    if ANY_ORIGIN in origins and len(origins) > 1:
        raise ValueError("* already allows every origin; list no others with it")
    return tuple(origins)


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """The origins allowed to read responses, and the headers for each request."""

    any_origin: bool
    origins: frozenset[bytes]
    allow_methods: bytes
    allow_headers: bytes

    @classmethod
    def for_origins(
        cls, origins: Sequence[str], allow_methods: bytes, allow_headers: bytes
    ) -> "CorsPolicy":
        """Build the policy for origins from `parse_origins`."""
        return cls(
            any_origin=ANY_ORIGIN in origins,
            origins=frozenset(o.encode("ascii") for o in origins if o != ANY_ORIGIN),
            allow_methods=allow_methods,
            allow_headers=allow_headers,
        )

    @property
    def enabled(self) -> bool:
        """True when some origin may read responses."""
        return self.any_origin or bool(self.origins)

    def allows(self, origin: bytes | None) -> bool:
        """Tell whether a page of `origin` may read the responses."""
        if origin is None:
            return False
        return self.any_origin or origin.lower() in self.origins

    def response_headers(self, origin: bytes | None) -> tuple[tuple[bytes, bytes], ...]:
        """Return the CORS headers of an ordinary response.

        With any origin allowed the headers are the same for every request,
        with or without `Origin`, so caches need no `Vary`. With a list of
        origins the response depends on `Origin`, so every response carries
        `Vary: Origin`.
        """
        if self.any_origin:
            return _ANY_ORIGIN_HEADERS
        if not self.origins:
            return ()
        if origin is None or origin.lower() not in self.origins:
            return (_VARY_ORIGIN,)
        return (
            (b"access-control-allow-origin", origin),
            _VARY_ORIGIN,
            (b"access-control-expose-headers", EXPOSE_HEADERS),
        )

    def preflight_headers(
        self, origin: bytes | None
    ) -> tuple[tuple[bytes, bytes], ...]:
        """Return the headers a preflight response adds to `response_headers`."""
        if not self.allows(origin):
            return ()
        return (
            (b"access-control-allow-methods", self.allow_methods),
            (b"access-control-allow-headers", self.allow_headers),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE_SECONDS),
        )


def api_policy(origins: Sequence[str]) -> CorsPolicy:
    """Return the CORS policy of the emulated API."""
    return CorsPolicy.for_origins(origins, API_ALLOW_METHODS, API_ALLOW_HEADERS)


def control_policy(origins: Sequence[str]) -> CorsPolicy:
    """Return the CORS policy of the control plane."""
    return CorsPolicy.for_origins(origins, CONTROL_ALLOW_METHODS, CONTROL_ALLOW_HEADERS)


def browser_rejection(policy: CorsPolicy, headers: dict[bytes, bytes]) -> str | None:
    """Return why a browser's request to the control plane is rejected, or None.

    CORS only stops a page from reading responses. A page of another origin
    can still send a simple request, such as a form post or a GET without
    CORS. So a request that the browser marks as coming from elsewhere, by
    `Origin` or `Sec-Fetch-Site`, is rejected unless its origin is allowed.
    Requests without these headers come from programs, not pages, and pass.
    A same-origin request to a host name that is not loopback may be a DNS
    rebinding attack, in which a foreign page's host name resolves to
    127.0.0.1, so it is rejected as well.
    """
    if policy.any_origin:
        return None
    origin = headers.get(b"origin")
    fetch_site = headers.get(b"sec-fetch-site")
    host = headers.get(b"host", b"")
    if origin is not None:
        if policy.allows(origin) or _is_own_loopback_origin(origin, host):
            return None
        return (
            f"a page of origin {origin.decode('latin-1')} may not use the control plane"
        )
    if fetch_site in (b"cross-site", b"same-site"):
        return "a page of another site may not use the control plane"
    # "none" marks a navigation the user started, which no page can forge.
    if fetch_site == b"same-origin" and not _is_loopback_host(host):
        return (
            f"a page served as {host.decode('latin-1')} may not use the control plane"
        )
    return None


def _is_own_loopback_origin(origin: bytes, host: bytes) -> bool:
    """Tell whether `origin` is the mock's own address, reached over loopback."""
    lowered = origin.lower()
    same_origin = lowered in (b"http://" + host.lower(), b"https://" + host.lower())
    return same_origin and _is_loopback_host(host)


def _is_loopback_host(host: bytes) -> bool:
    """Tell whether a `Host` header names this machine by a loopback name."""
    text = host.decode("latin-1").lower()
    if text.startswith("["):
        name = text[1 : text.find("]")] if "]" in text else ""
    else:
        name = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    # Browsers resolve localhost and its subdomains to loopback themselves.
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
