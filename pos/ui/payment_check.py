"""What the checkout dialog's amounts mean, decided in one place without Qt.

The dialog asks this after every keystroke, so the clerk sees at once whether the
payment can be taken: how much is still due, the change (always out of the cash), and
what is wrong. The rules:
- a card is never charged more than the total due, so the change (cash + card - total)
  is never more than the cash handed over: change comes only out of the cash;
- a payment that is short is never confirmed, however Enter is pressed;
- cash far above what it has to cover (a scanned barcode, a slipped key) is asked about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Wider than any till's cash: longer text is a scan or a key held down, not money.
MAX_AMOUNT_CHARS = 16
# Used until the store settings arrive (the store default, see StoreSettings).
FALLBACK_CONFIRM_OVER = Decimal("1000.00")


def parse_amount(text: str) -> Decimal | None:
    """'50', '50.5', '$1,050.00' -> Decimal; '' -> 0; nonsense or negative -> None."""
    cleaned = text.strip().replace(",", "").lstrip("$€£¥").strip()
    if not cleaned:
        return ZERO
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        return None
    return value.quantize(CENT)


def quick_cash(due: Decimal) -> list[Decimal]:
    """Banknote amounts a customer is likely to hand over for `due`, above it."""
    amounts: list[Decimal] = []
    if due <= 0:
        return amounts
    for step in (Decimal(5), Decimal(10), Decimal(20), Decimal(50), Decimal(100)):
        amount = (due / step).to_integral_value(rounding=ROUND_UP) * step
        if amount > due and amount not in amounts:
            amounts.append(amount)
    return amounts[:3]


@dataclass(frozen=True)
class PaymentCheck:
    total: Decimal
    cash: Decimal | None  # None: the text is not an amount
    card: Decimal | None
    short: Decimal  # still to pay (0 when covered)
    change: Decimal  # handed back out of the cash
    problem: str  # a mistake to fix before confirming ("" when none)
    problem_field: str  # "cash" | "card" | "" : where the mistake is
    large_cash: bool  # change above the store's bound: ask before recording
    money: Callable[[Decimal], str]

    @property
    def entered(self) -> bool:
        return bool(self.cash or self.card)

    @property
    def can_confirm(self) -> bool:
        return not self.problem and self.entered and self.short == 0

    @property
    def payments(self) -> list[tuple[str, Decimal]]:
        pairs = (("cash", self.cash or ZERO), ("card", self.card or ZERO))
        return [(method, amount) for method, amount in pairs if amount > 0]

    @property
    def cash_due(self) -> Decimal:
        """What the cash has to cover once the card amount is taken."""
        return max(self.total - (self.card or ZERO), ZERO)

    @property
    def card_room(self) -> Decimal:
        """What the card takes for "rest on card": all that the cash leaves to pay."""
        return max(self.total - (self.cash or ZERO), ZERO)

    def refusal(self) -> str:
        """Why Confirm is refused, in words for the clerk ("" when it is not)."""
        if self.problem:
            return self.problem
        if not self.entered:
            return "Enter the cash tendered or the card amount."
        if self.short:
            return f"Payment is short by {self.money(self.short)}: nothing was recorded."
        return ""


def plain_money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def check_payment(
    total: Decimal,
    cash_text: str,
    card_text: str,
    confirm_over: Decimal,
    money: Callable[[Decimal], str] = plain_money,
) -> PaymentCheck:
    cash, card = parse_amount(cash_text), parse_amount(card_text)
    problem = field = ""
    if cash is None or len(cash_text.strip()) > MAX_AMOUNT_CHARS:
        cash, problem, field = None, "Cash tendered: enter an amount like 20 or 12.50.", "cash"
    elif card is None or len(card_text.strip()) > MAX_AMOUNT_CHARS:
        card, problem, field = None, "Card: enter an amount like 20 or 12.50.", "card"
    elif card > total:
        problem = f"The card can be charged at most the total due, {money(total)}."
        field = "card"
    paid = (cash or ZERO) + (card or ZERO)
    short = max(total - paid, ZERO) if not problem else ZERO
    change = max(paid - total, ZERO) if not problem else ZERO
    return PaymentCheck(
        total=total,
        cash=cash,
        card=card,
        short=short,
        change=change,
        problem=problem,
        problem_field=field,
        large_cash=change > confirm_over,
        money=money,
    )
