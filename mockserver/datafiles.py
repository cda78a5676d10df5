"""Locate and read the TOML data files in the shipped `scenarios/` folder."""

import tomllib
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_scenarios_dir() -> Path:
    """Return the folder of the shipped scenario data.

    An installed wheel carries it inside the package; a source checkout keeps
    it at the top of the repository.
    """
    inside_package = _PACKAGE_DIR / "scenarios"
    if inside_package.is_dir():
        return inside_package
    return _PACKAGE_DIR.parent / "scenarios"


def load_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, raising ValueError that names the file on bad syntax.

    Bytes that are not UTF-8 count as bad syntax too.
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: invalid TOML: {error}") from error
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: not UTF-8 at byte {error.start}; save the file as UTF-8"
        ) from error
