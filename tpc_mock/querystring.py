"""How a query string's numbers are read: the one rule every query model's integers follow.

TPC documents its integer parameters (`page`, `pageSize`, `limit`) as `type: integer` and
nothing more; the parser behind them is not public. pydantic's lax int parsing is Python's
`int()`: it takes `1_0` (10), ` 4`, `4 `, `+4`, `4.0` and non-ASCII digits such as `٤`,
which no TypeScript service reads the same way (`Number("1_0")` is NaN, `parseInt("1_0")`
is 1). A TypeScript service may coerce with `Number()` (zod's `z.coerce.number()`: it also
takes `0x10`, `1e1`, ` 4`, and reads an empty value as 0), with `parseInt` (which reads
`1e1` as 1 and `0x10` as 0), or match a pattern first. Copying `Number()` would let a
client pass here with `0x10` and be refused, or read as 0, by a server that parses
otherwise. So the emulator takes only what they all read as the same integer, which is what
writing an integer into a URL gives: an optional minus and ASCII digits (`-?[0-9]+`;
leading zeros are fine, `04` is 4 everywhere). A negative number stays a number, so it
fails its documented minimum as before. Anything else is "not an integer", in pydantic's
words for every other unparsable value. (An unencoded `+4` arrives as ` 4`: in a query
string `+` is a space.)
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

DECIMAL_INTEGER = re.compile(r"-?[0-9]+")  # ASCII only: `\d` would take `٤` and `４`


def reject_lenient_integer(value: Any) -> Any:
    """A query value that is no plain decimal integer: pydantic's own "not an integer" issue."""
    if isinstance(value, str) and not DECIMAL_INTEGER.fullmatch(value):
        raise PydanticCustomError(
            "int_parsing", "Input should be a valid integer, unable to parse string as an integer")
    return value


# The types of every integer parameter of a query model. The optional one holds the rule
# outside the union, where pydantic still writes `minimum`/`maximum` into the OpenAPI document.
QueryInt = Annotated[int, BeforeValidator(reject_lenient_integer)]
OptionalQueryInt = Annotated[int | None, BeforeValidator(reject_lenient_integer)]
