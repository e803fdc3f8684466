"""Model configs as plain dicts, so ``torch.load(weights_only=True)`` accepts them."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, Self


class DictConfig:
    """Mixin for a frozen dataclass of ints, floats, strings and tuples (as ``VAEConfig``)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (tuples become lists)."""
        # A mixin: mypy cannot see that every class using it is a dataclass.
        values = asdict(self)  # type: ignore[call-overload]
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Inverse of :meth:`to_dict`; unknown keys are an error, missing ones take defaults."""
        # A mixin: mypy cannot see that every class using it is a dataclass.
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
