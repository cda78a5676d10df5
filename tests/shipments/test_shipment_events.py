from pathlib import Path

import pytest

from mockserver.shipments.events import (
    STATUS_CODES,
    load_event_vocabulary,
    shipped_event_vocabulary,
)


def test_vocabulary_covers_generator_codes() -> None:
    vocabulary = shipped_event_vocabulary()
    assert set(STATUS_CODES) <= set(vocabulary)
    for kind in vocabulary.values():
        assert len(kind.event_code) == 4
        assert kind.event_type in ("EQUIPMENT", "TRANSPORT")


def test_vocabulary_rejects_missing_code(tmp_path: Path) -> None:
    path = tmp_path / "events.toml"
    path.write_text(
        '[events.CEP]\nevent_code = "GTOT"\nevent_type = "EQUIPMENT"\n'
        'description = "x"\nadditional = true\nat_terminal = false\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="missing status codes CPS"):
        load_event_vocabulary(path)
