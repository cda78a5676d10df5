"""The word pools of vessel names: drawn from Faker once, shipped as data.

Building the pools from Faker took about 0.2 s and 9 MB in the server, and
importing Faker another 0.13 s, all before the first shipment could be
served. The pools are therefore built here, at development time, and
stored in scenarios/vessel_words.json, which the server reads in about a
millisecond. Regenerate the file after changing the rules below:

    python -m mockserver.shipments.vessel_words scenarios/vessel_words.json

Vessel names then stay the same whatever Faker version is installed.
"""

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from mockserver.datafiles import shipped_scenarios_dir

WORDS_FILE = "vessel_words.json"
POOL_NAMES = ("city", "given", "surname", "word")
_FAKER_SEED = 6346
_POOL_DRAWS = 400
# Maximum length of a word that still reads well in a vessel name.
_MAX_WORD_LENGTH = 12

_CITY_LOCALES = ("de_DE", "es_ES")
_GIVEN_NAME_LOCALES = ("it_IT", "en_GB", "de_DE", "es_ES")
_SURNAME_LOCALES = ("en_GB", "de_DE", "it_IT")
# Letters that Unicode decomposition leaves whole, spelled the way ships'
# names write them.
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
    }
)


def load_word_pools(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Read the shipped word pools, by default from scenarios/vessel_words.json.

    Raises ValueError naming the file when a pool is missing or empty.
    """
    path = path or shipped_scenarios_dir() / WORDS_FILE
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        pools = {name: tuple(document["pools"][name]) for name in POOL_NAMES}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: invalid vessel word pools: {error!r}") from error
    empty = [name for name, words in pools.items() if not words]
    if empty:
        raise ValueError(f"{path}: empty vessel word pools {empty}")
    return pools


def build_word_pools() -> dict[str, tuple[str, ...]]:
    """Draw the word pools from Faker's word lists, with a fixed seed."""
    return {
        "city": _faker_pool(_CITY_LOCALES, "city"),
        "given": _faker_pool(_GIVEN_NAME_LOCALES, "first_name"),
        "surname": _faker_pool(_SURNAME_LOCALES, "last_name"),
        "word": _faker_pool(("en_US",), "catch_phrase"),
    }


def _faker_pool(locales: tuple[str, ...], provider: str) -> tuple[str, ...]:
    # Imported here: the server reads the shipped pools and never needs Faker.
    from faker import Faker

    words: set[str] = set()
    for locale in locales:
        fake = Faker(locale)
        fake.seed_instance(_FAKER_SEED)
        produce = getattr(fake, provider)
        for _ in range(_POOL_DRAWS):
            # A catch phrase has several words; names take one word at a time.
            for text in produce().split():
                word = _ship_name_word(text)
                if word:
                    words.add(word)
    return tuple(sorted(words))


def _ship_name_word(text: str) -> str | None:
    """Return text as a capitalised ASCII word for a vessel name, or None.

    Accents are dropped the way ships' names are painted. Text with more than
    one word, or with digits or punctuation, is rejected.
    """
    spelled_out = text.translate(_LETTERS_WITHOUT_DECOMPOSITION)
    ascii_text = (
        unicodedata.normalize("NFKD", spelled_out).encode("ascii", "ignore").decode()
    )
    word = ascii_text.upper()
    if not word.isalpha() or not 3 <= len(word) <= _MAX_WORD_LENGTH:
        return None
    return word


def render_word_pools(pools: dict[str, tuple[str, ...]]) -> str:
    """Return the JSON text of the words file for `pools`."""
    from faker import VERSION

    document = {
        "generated_by": "python -m mockserver.shipments.vessel_words",
        "faker_version": VERSION,
        "pools": {name: list(pools[name]) for name in POOL_NAMES},
    }
    return json.dumps(document, indent=1, ensure_ascii=True) + "\n"


def main(argv: list[str]) -> int:
    """Write the words file to the path in `argv`, or to standard output."""
    text = render_word_pools(build_word_pools())
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
