"""The least recently used cache behind the rendered bodies."""

from mockserver.bounded_cache import BoundedCache


def sized(max_entries: int = 10, max_bytes: int = 100) -> BoundedCache[bytes]:
    return BoundedCache(max_entries, max_bytes, len)


def test_get_returns_kept_value() -> None:
    cache = sized()
    cache.put("a", b"1")

    assert cache.get("a") == b"1"
    assert cache.get("b") is None


def test_count_limit_evicts_least_used() -> None:
    cache = sized(max_entries=2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    cache.get("a")
    cache.put("c", b"3")

    assert cache.get("b") is None
    assert cache.get("a") == b"1"
    assert cache.get("c") == b"3"


def test_byte_limit_evicts_oldest() -> None:
    cache = sized(max_bytes=10)
    cache.put("a", b"12345")
    cache.put("b", b"12345")
    cache.put("c", b"1")

    assert cache.get("a") is None
    assert len(cache) == 2
    assert cache.bytes == 6


def test_oversized_value_not_kept() -> None:
    cache = sized(max_bytes=4)
    cache.put("a", b"12345")

    assert len(cache) == 0
    assert cache.bytes == 0


def test_zero_entries_keeps_nothing() -> None:
    cache = sized(max_entries=0)
    cache.put("a", b"1")

    assert cache.get("a") is None


def test_replacing_key_recounts_bytes() -> None:
    cache = sized()
    cache.put("a", b"12345")
    cache.put("a", b"12")

    assert cache.bytes == 2
    assert len(cache) == 1


def test_clear_forgets_everything() -> None:
    cache = sized()
    cache.put("a", b"123")
    cache.clear()

    assert len(cache) == 0
    assert cache.bytes == 0
    assert cache.get("a") is None
