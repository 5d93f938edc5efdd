"""Numbers in words for the page: rounded to what the inputs support, and sentences that read right
when two values are equal, a change goes the other way or a list has one item.

>>> number(1636.6), number(0.0251909), number(2.94)
('1,600', '0.025', '2.9')
>>> span(1.595, 4.799, unit=" %"), span(3.02, 2.98, unit=" %")
('1.6-4.8 %', '3 %')
>>> change(59.3, 59.4, unit=" %"), change(59.6, 58.8, unit=" %")
('stays at 59 %', 'falls from 60 % to 59 %')
>>> listing(["China"]), listing(["China", "the US", "Europe"])
('China', 'China, the US and Europe')
"""

from __future__ import annotations

import math
import re

__all__ = ["change", "count", "humanize", "listing", "number", "span", "times"]


def _rounded(value: float, digits: int) -> float:
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def number(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` significant figures, with thousands separators and no trailing noise.

    >>> number(8096.2), number(0.5), number(100), number(-0.00042, 1)
    ('8,100', '0.5', '100', '-0.0004')
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"number(): {value!r} is not a finite number")
    r = _rounded(value, digits)
    if r == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(r))))
    text = f"{r:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def span(low: float, high: float, digits: int = 2, unit: str = "") -> str:
    """A range as ``low-high`` with the unit once; one value when both ends round alike.

    The ends are ordered; each is rounded to ``digits`` significant figures.
    """
    lo, hi = sorted((float(low), float(high)))
    a, b = number(lo, digits), number(hi, digits)
    return f"{a}{unit}" if a == b else f"{a}-{b}{unit}"


def change(
    before: float,
    after: float,
    digits: int = 2,
    unit: str = "",
    up: str = "rises",
    down: str = "falls",
    same: str = "stays at",
) -> str:
    """A change in words: ``rises from 3 % to 5 %``, ``falls from ...`` or ``stays at 3 %``.

    The two values are compared as they are shown (rounded), so the sentence never says
    "rises from 59 % to 59 %".
    """
    a, b = number(before, digits), number(after, digits)
    if a == b:
        return f"{same} {a}{unit}"
    verb = up if _rounded(after, digits) > _rounded(before, digits) else down
    return f"{verb} from {a}{unit} to {b}{unit}"


def times(ratio: float, digits: int = 2) -> str:
    """A ratio in words: ``about 1,600 times``, ``about as much`` when it rounds to 1.

    >>> times(1636.6), times(1.004), times(0.5)
    ('about 1,600 times', 'about as much', 'about 0.5 times')
    """
    shown = number(ratio, digits)
    return "about as much" if shown == "1" else f"about {shown} times"


_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count(n: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun: ``no trade statistics``, ``one trade statistic``, ``two ...``, ``12 ...``.

    >>> count(0, "hub"), count(1, "hub"), count(2, "hub"), count(12, "hub")
    ('no hubs', 'one hub', 'two hubs', '12 hubs')
    """
    n = int(n)
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{_SMALL[n] if 0 <= n < len(_SMALL) else f'{n:,}'} {noun}"


def listing(items, conjunction: str = "and") -> str:
    """Items joined for a sentence: ``a``, ``a and b``, ``a, b and c``; an empty list is an error."""
    items = [str(i) for i in items]
    if not items:
        raise ValueError("listing() needs at least one item")
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


_ACRONYMS = {
    "usd": "USD",
    "gwh": "GWh",
    "twh": "TWh",
    "kwh": "kWh",
    "mwh": "MWh",
    "pct": "%",
    "gbp": "GBP",
    "id": "ID",
    "cn": "China",
    "us": "US",
    "usa": "USA",
    "chn": "China",
    "gpu": "GPU",
    "pue": "PUE",
    "rtt": "round trip",
    "ms": "ms",
    "km": "km",
}


def humanize(name: str) -> str:
    """A snake_case column name in words: ``cost_usd_per_year`` -> ``Cost USD per year``.

    >>> humanize("exported_gwh_chn"), humanize("share_pct")
    ('Exported GWh China', 'Share %')
    """
    words = [w for w in re.split(r"[_\s]+", str(name)) if w]
    if not words:
        return str(name)
    out = [_ACRONYMS.get(w.lower(), w) for w in words]
    first = out[0]
    if first == words[0]:
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)
