"""The validated-bank cache: banks whose exact bytes validated before, as JSON.

Keyed by a hash of the file's bytes and of the code that validates them, so an
edited bank or a changed schema simply misses. Entries are derived data: one that
can't be read is ignored and rewritten after a full validation (unlike the
learner's database, nothing is lost by replacing it). JSON, never pickles.
"""

from __future__ import annotations

import hashlib
import json
import os
import types
import typing
from collections.abc import Callable, Hashable
from dataclasses import asdict, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

from gkentei_vae.banks.limits import MAX_BANK_BYTES
from gkentei_vae.banks.models import Bank
from gkentei_vae.paths import bank_cache_dir

_T = TypeVar("_T")
_HERE = Path(__file__).resolve().parent
_CODE = (
    *(_HERE / name for name in ("models", "validate", "vocab", "safe_yaml", "limits", "cache")),
    _HERE.parent / "demo_registry",
    _HERE.parent / "control_chars",
)
"""The files whose code decides what validates: a change to any of them misses the cache."""


@cache
def _code_fingerprint() -> bytes:
    digest = hashlib.sha256()
    for path in _CODE:
        digest.update(path.with_suffix(".py").read_bytes())
    return digest.digest()


def _entry(path: Path) -> Path | None:
    try:
        if path.stat().st_size > MAX_BANK_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    key = hashlib.sha256(_code_fingerprint() + raw).hexdigest()
    return bank_cache_dir() / f"{key}.json"


def load(path: Path) -> Bank | None:
    """The cached bank for these exact bytes, or None (then validate in full)."""
    entry = _entry(path)
    if entry is None or not entry.is_file():
        return None
    try:
        return from_plain(Bank, json.loads(entry.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def store(path: Path, bank: Bank) -> None:
    """Remember that these bytes validated as ``bank`` (best effort: the cache is optional)."""
    entry = _entry(path)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(bank), ensure_ascii=False), encoding="utf-8")
        tmp.replace(entry)
    except OSError:
        pass


def from_plain(cls: type[_T], data: Any) -> _T:
    """Rebuild a dataclass tree from the plain data ``asdict`` made of it."""
    result: _T = _converter(cast(Hashable, cls))(data)
    return result


@cache
def _converter(tp: Hashable) -> Callable[[Any], Any]:
    """How to rebuild a value of type ``tp``, worked out once per type: the type hints of a
    class with string annotations are evaluated only here (per object, that was most of a
    warm start's bank load; issue 19)."""
    if isinstance(tp, type) and is_dataclass(tp):
        cls: type[Any] = tp
        hints = typing.get_type_hints(cls)
        plan = [(f.name, _converter(hints[f.name])) for f in fields(cls)]

        def build(data: Any) -> Any:
            if not isinstance(data, dict):
                raise TypeError(f"{cls.__name__}: expected a mapping")
            return cls(**{name: convert(data[name]) for name, convert in plan if name in data})

        return build
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is list:
        item = _converter(args[0])
        return lambda value: [item(v) for v in value]
    if origin is dict:
        entry = _converter(args[1])
        return lambda value: {k: entry(v) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in args if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    return _same


def _same(value: Any) -> Any:
    return value
