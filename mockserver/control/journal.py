"""Reading and clearing the request journal."""

from typing import Any

from mockserver.control.errors import METHOD_NOT_ALLOWED, NOT_FOUND, invalid_request
from mockserver.control.inputs import JournalFilter
from mockserver.outcomes import Outcome
from mockserver.state import MockState

# The values of the `status_code` filter: the 22 outcomes and the HTTP
# errors that the tracking API returns in the same envelope.
JOURNAL_STATUS_CODES = frozenset({*Outcome.__members__, NOT_FOUND, METHOD_NOT_ALLOWED})


def read_journal(state: MockState, query: JournalFilter) -> dict[str, Any]:
    """Return the journal's entries that match `query`, newest first."""
    if query.status_code is not None and query.status_code not in JOURNAL_STATUS_CODES:
        valid = ", ".join(sorted(JOURNAL_STATUS_CODES))
        raise invalid_request(
            f"status_code {query.status_code[:40]!r} is not a status code the "
            f"tracking API sends; use one of {valid}"
        )
    entries = state.journal.entries(
        reference_number=query.reference_number,
        status_code=query.status_code,
        limit=query.limit,
        after=query.after,
    )
    return {"entries": entries, **state.journal.stats()}


def clear_journal(state: MockState) -> dict[str, Any]:
    """Empty the journal."""
    state.journal.clear()
    return state.journal.stats()
