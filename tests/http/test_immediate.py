"""Running a coroutine at once, and finishing it in a task when it waits."""

import asyncio

import pytest

from mockserver.http.immediate import finish, run_until_wait


async def add(a: int, b: int) -> int:
    return a + b


async def add_later(a: int, b: int, log: list[str]) -> int:
    log.append("started")
    try:
        await asyncio.sleep(0.01)
        log.append("woke")
        return await add(a, b)
    finally:
        log.append("finished")


async def fail_at_once() -> None:
    raise LookupError("no such thing")


def test_coroutine_that_never_waits_finishes_at_once() -> None:
    done, result = run_until_wait(add(2, 3))

    assert done
    assert result == 5


def test_exception_of_the_coroutine_propagates() -> None:
    with pytest.raises(LookupError, match="no such thing"):
        run_until_wait(fail_at_once())


def test_waiting_coroutine_finishes_in_task() -> None:
    log: list[str] = []

    async def scenario() -> int:
        coroutine = add_later(2, 3, log)
        done, awaited = run_until_wait(coroutine)
        assert not done
        assert log == ["started"]
        return await asyncio.create_task(_finish(coroutine, awaited))

    assert asyncio.run(scenario()) == 5
    assert log == ["started", "woke", "finished"]


def test_cancelling_the_task_cancels_the_coroutine() -> None:
    log: list[str] = []

    async def scenario() -> None:
        coroutine = add_later(2, 3, log)
        _, awaited = run_until_wait(coroutine)
        task = asyncio.create_task(_finish(coroutine, awaited))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert log == ["started", "finished"]


async def _finish(coroutine: object, awaited: object) -> int:
    return await finish(coroutine, awaited)  # type: ignore[arg-type]
