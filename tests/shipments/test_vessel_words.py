"""The shipped vessel word pools: well formed, current, and read without Faker."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.datafiles import shipped_scenarios_dir
from mockserver.shipments.vessel_words import (
    POOL_NAMES,
    WORDS_FILE,
    build_word_pools,
    load_word_pools,
)

REPOSITORY = Path(__file__).resolve().parents[2]


def test_pools_are_capital_words() -> None:
    for name, words in load_word_pools().items():
        assert words, name
        assert list(words) == sorted(set(words)), name
        for word in words:
            assert word.isascii(), word
            assert word.isalpha(), word
            assert word.isupper(), word
            assert 3 <= len(word) <= 12, word


def test_pools_match_faker() -> None:
    from faker import VERSION

    document = json.loads((shipped_scenarios_dir() / WORDS_FILE).read_text())
    if document["faker_version"] != VERSION:
        pytest.skip(
            f"{WORDS_FILE} was drawn with Faker {document['faker_version']}, "
            f"Faker {VERSION} is installed"
        )

    assert build_word_pools() == load_word_pools()


def test_missing_pool_rejected(tmp_path: Path) -> None:
    path = tmp_path / WORDS_FILE
    pools = {name: ["ALPHA"] for name in POOL_NAMES if name != "city"}
    path.write_text(json.dumps({"pools": pools}))

    with pytest.raises(ValueError, match=WORDS_FILE):
        load_word_pools(path)


def test_serving_never_imports_faker() -> None:
    script = (
        "import sys\n"
        "from mockserver.app import create_app\n"
        "from fastapi.testclient import TestClient\n"
        "with TestClient(create_app()) as client:\n"
        "    client.get('/tracking/v1/ocean', params={'reference_number': "
        "'MSKU7868382', 'api_key': 'mock-valid-key'}).raise_for_status()\n"
        "print('faker' in sys.modules)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "False"
