"""The README's control-plane section agrees with the server and runs."""

import re
from pathlib import Path

import pytest

from mockserver.app import create_app
from mockserver.cli import build_parser
from mockserver.settings import Settings
from tests.test_pytest_plugin import plugin_flags

pytest_plugins = ["pytester"]

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
SECTION = README.split("## Control plane and pytest plugin", 1)[1]
METHOD = r"(?:GET|PUT|PATCH|POST|DELETE)"
ROW = re.compile(rf"^\| `(?:({METHOD})` or `)?({METHOD}) (/__mock/\S*)` \|", re.M)


def documented_routes() -> set[tuple[str, str]]:
    routes = set()
    for first, second, path in ROW.findall(SECTION):
        routes.add((second, path))
        if first:
            routes.add((first, path))
    return routes


def test_every_route_documented() -> None:
    document = create_app(Settings()).openapi()
    served = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if path.startswith("/__mock")
        for method in operations
    }

    assert documented_routes() == served


def test_every_flag_documented() -> None:
    serve = build_parser()._subparsers._group_actions[0].choices["serve"]
    flags = {
        option
        for action in serve._actions
        for option in action.option_strings
        if option.startswith("--")
    }
    control_flags = {
        "--no-control-plane",
        "--admin-token",
        "--journal-size",
        "--max-delay",
        "--delay",
        "--no-response-delay",
    }

    assert control_flags <= flags
    for flag in control_flags:
        assert f"| `{flag}` |" in SECTION


@pytest.mark.slow
def test_plugin_example_passes(pytester: pytest.Pytester) -> None:
    example = SECTION.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makeini("[pytest]\nqubictron_mock_args = --log-level warning\n")
    pytester.makepyfile(test_readme_example=example)

    result = pytester.runpytest(*plugin_flags())

    result.assert_outcomes(passed=3)
