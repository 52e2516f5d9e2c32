"""Records leave the store by reference: the read-only forms that prove no caller mutates one.

The store never changes a record in place (a write puts a new dict in its slot), so a
record handed out stays valid and consistent forever. With `TPC_MOCK_FROZEN_RECORDS=1`
(the test suite sets it) every stored record is a FrozenDict whose lists are FrozenLists,
and any attempt to change one raises TypeError at the faulty line.
"""

from __future__ import annotations

import os
from typing import Any, NoReturn

FROZEN_ENV = "TPC_MOCK_FROZEN_RECORDS"


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError("store records are read-only: build a new dict instead")


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict that refuses every change (JSON, pickle and equality see a plain dict)."""

    __slots__ = ()
    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return thaw(self)


class FrozenList(list):  # type: ignore[type-arg]
    """A list that refuses every change."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return thaw(self)


def freeze(value: Any) -> Any:
    """`value` with every dict and list inside made read-only."""
    if isinstance(value, dict):
        return value if type(value) is FrozenDict else FrozenDict(
            {k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return value if type(value) is FrozenList else FrozenList(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """A plain, mutable deep copy of `value` (what `copy.deepcopy` of a record gives)."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value


def frozen_by_default() -> bool:
    """True when the environment asks for read-only records (the test suite)."""
    return os.environ.get(FROZEN_ENV, "").lower() in ("1", "true", "yes")


SHARE_FROM = 1000  # tables smaller than this are not worth a pass
SAMPLE = 256  # records read to find a table's repeated fields
FEW_VALUES = 16  # a field with at most this many values in the sample repeats


def share_repeated_values(tables: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Make equal strings one object in large freshly parsed tables (`ValueSharer`)."""
    for docs in tables.values():
        if len(docs) >= SHARE_FROM:
            ValueSharer().share(docs)


class ValueSharer:
    """Makes equal strings one object across the records of one table, a batch at a time.

    A JSON parser gives every value its own string: 100k pages hold 100k copies of their
    product id, organization id, status and type, and most pages carry the same timestamp
    in createdAt, updatedAt and publishedAt (about 40 MB at 100k pages). Fields with few
    values in the first batch's sample are shared across records; a record's timestamps
    (`...At`) share the first equal one. Give it only records no one has seen yet: it
    replaces values in place, with equal ones.
    """

    def __init__(self) -> None:
        self._fields: tuple[list[str], list[str]] | None = None
        self._one: dict[str, str] = {}

    def share(self, docs: dict[str, dict[str, Any]]) -> None:
        if self._fields is None:
            self._fields = _repeated_fields(docs)
        repeated, stamps = self._fields
        one = self._one
        for doc in docs.values():
            for name in repeated:
                value = doc.get(name)
                if value.__class__ is str:
                    shared = one.setdefault(value, value)
                    if shared is not value:
                        doc[name] = shared
            first = None
            for name in stamps:
                value = doc.get(name)
                if value.__class__ is str:
                    if first is None:
                        first = value
                    elif value == first and value is not first:
                        doc[name] = first


def _repeated_fields(docs: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    seen: dict[str, set[str]] = {}
    for _, doc in zip(range(SAMPLE), docs.values()):
        for name, value in doc.items():
            if value.__class__ is str:
                seen.setdefault(name, set()).add(value)
    repeated = [name for name, values in seen.items() if len(values) <= FEW_VALUES]
    return repeated, [name for name in seen if name.endswith("At") and name not in repeated]
