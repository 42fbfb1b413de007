"""Decoding price- and weight-embedded EAN-13 codes (scale labels).

A scale prints EAN-13 codes in the GS1 "restricted circulation" range 20-29: the two-digit
prefix, the item's lookup digits (PLU), the price or weight digits, and the EAN check
digit. Layouts differ per shop and scale, so each prefix has a rule the manager sets:

    prefix | item digits | value digits | value is a price or a weight | decimals

with item + value digits = 10 (13 = prefix 2 + 10 + check digit 1). E.g. "20, 5, 5,
price, 2": 20 12345 01299 c -> PLU 12345 at 12.99; "21, 5, 5, weight, 3": 21 00042 01250 c
-> PLU 00042, 1.250 kg. Decimal arithmetic only: what the label says is what is sold.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pos import config
from pos.errors import ErrorCode, PosError

log = logging.getLogger("pos.devices.scale")

KEY = "scale_rules"
PREFIXES = tuple(f"{n}" for n in range(20, 30))
PAYLOAD_DIGITS = 10
ITEM_DIGITS_RANGE = (3, 6)
DECIMALS_RANGE = (0, 3)


class Embedded(enum.StrEnum):
    PRICE = "price"
    WEIGHT = "weight"  # kilograms


@dataclass(frozen=True)
class ScaleRule:
    prefix: str  # "20".."29"
    item_digits: int = 5
    embedded: Embedded = Embedded.PRICE
    decimals: int = 2  # price: 2 (cents); weight: 3 (grams as kg)

    @property
    def value_digits(self) -> int:
        return PAYLOAD_DIGITS - self.item_digits

    def __post_init__(self) -> None:
        if self.prefix not in PREFIXES:
            raise ValueError("prefix must be 20 to 29")
        if not ITEM_DIGITS_RANGE[0] <= self.item_digits <= ITEM_DIGITS_RANGE[1]:
            raise ValueError(f"item digits from {ITEM_DIGITS_RANGE[0]} to {ITEM_DIGITS_RANGE[1]}")
        if not DECIMALS_RANGE[0] <= self.decimals <= DECIMALS_RANGE[1]:
            raise ValueError(f"decimals from {DECIMALS_RANGE[0]} to {DECIMALS_RANGE[1]}")

    def text(self) -> str:
        return f"{self.prefix}:{self.item_digits}:{self.embedded.value}:{self.decimals}"

    @classmethod
    def parse(cls, text: str) -> ScaleRule:
        parts = text.strip().split(":")
        if len(parts) != 4:
            raise ValueError("prefix:item digits:price|weight:decimals")
        prefix, item, kind, decimals = parts
        return cls(prefix.strip(), int(item), Embedded(kind.strip().lower()), int(decimals))


@dataclass(frozen=True)
class ScaleCode:
    code: str
    rule: ScaleRule
    item: str  # the PLU digits, leading zeros kept
    value: Decimal  # the price, or the weight in kg

    @property
    def price(self) -> Decimal | None:
        return self.value if self.rule.embedded is Embedded.PRICE else None

    @property
    def weight_kg(self) -> Decimal | None:
        return self.value if self.rule.embedded is Embedded.WEIGHT else None

    @property
    def grams(self) -> int | None:
        """The weight in whole grams (what stock counts for weighed goods)."""
        if self.weight_kg is None:
            return None
        return int(self.weight_kg * 1000)


def check_digit(first12: str) -> int:
    """EAN-13 check digit: weights 1,3,1,3... from the left over the first 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def rule_for(code: str, rules: Iterable[ScaleRule]) -> ScaleRule | None:
    if len(code) != 13 or not code.isdigit():
        return None
    return next((r for r in rules if code.startswith(r.prefix)), None)


def decode(code: str, rules: Iterable[ScaleRule]) -> ScaleCode | None:
    """The scale label's content; None when the code is not a configured scale code; a
    PosError (INVALID_BARCODE) when it is one whose check digit is wrong."""
    code = code.strip()
    rule = rule_for(code, rules)
    if rule is None:
        return None
    expected = check_digit(code[:12])
    if int(code[12]) != expected:
        raise PosError(
            ErrorCode.INVALID_BARCODE,
            f"Scale label {code} is misread (check digit {code[12]}, should be {expected}): "
            "scan it again or key the item in.",
            {"code": code, "check_digit": int(code[12]), "expected": expected},
        )
    item_end = 2 + rule.item_digits
    digits = code[item_end:12]
    value = Decimal(int(digits)).scaleb(-rule.decimals)
    return ScaleCode(code=code, rule=rule, item=code[2:item_end], value=value)


def encode(rule: ScaleRule, item: str, value: Decimal) -> str:
    """The label a scale would print (tests, and the manager dialog's example)."""
    digits = int(value.scaleb(rule.decimals))
    body = f"{rule.prefix}{item:0>{rule.item_digits}}{digits:0{rule.value_digits}d}"
    if len(body) != 12:
        raise ValueError("item or value too long for this rule")
    return body + str(check_digit(body))


def rules_from_values(values: Mapping[str, str]) -> tuple[ScaleRule, ...]:
    """`scale_rules` = "20:5:price:2;21:5:weight:3" (one rule per prefix; bad ones are
    skipped with a warning, never stopping the counter)."""
    found: dict[str, ScaleRule] = {}
    for text in (values.get(KEY) or "").split(";"):
        if not text.strip():
            continue
        try:
            rule = ScaleRule.parse(text)
        except ValueError as err:
            log.warning("scale rule %r ignored: %s", text, err)
            continue
        found[rule.prefix] = rule
    return tuple(sorted(found.values(), key=lambda r: r.prefix))


def load() -> tuple[ScaleRule, ...]:
    return rules_from_values(config.load_values())


def save(rules: Iterable[ScaleRule]) -> Path:
    return config.save_user_settings(**{KEY: ";".join(r.text() for r in rules)})
