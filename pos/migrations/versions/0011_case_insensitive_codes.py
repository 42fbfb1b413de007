"""SKUs, barcodes and user names unique whatever their case (and without invisible characters)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

`P1`, `p1` and `P1` + a zero-width space were three products; `Alice` and `alice` two users.
A scanner, a clerk typing a code or a manager reading a list cannot tell them apart, so from
now on each is one: unique indexes on lower(sku), lower(barcode) and lower(username), on
SQLite and PostgreSQL alike, and the services refuse invisible characters (issue 21).

An existing database may already hold such twins. The migration does not stop on them (a
shop cannot sell while its upgrade is stuck); it renames them by one rule a manager can
follow afterwards, and `pos migrate` prints every rename:

1. Invisible and control characters (zero-width spaces and joiners, BOM, bidi controls,
   NUL ...) are removed from SKUs, barcodes and user names. A value left empty becomes
   `SKU-<first 8 hex digits of the product id>` / `user-<id>`, or no barcode.
2. Among values equal but for case, the oldest keeps its spelling (products: earliest
   created, then lowest id; users: lowest id, the first account made). Every younger
   one gets `~2`, `~3` ... appended (cut to fit the column), the first number free.
   Search the admin window for `~` to find them; a renamed user signs in with the new
   name shown by `pos migrate` (a manager may rename them back to something unique).

Case is folded by the database's lower(): every letter on PostgreSQL (with a UTF-8
database), ASCII letters on SQLite.
"""

import logging
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import context, op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("pos.migrations")

# The same characters pos.services.plumbing.validation refuses (a copy: a migration must
# keep doing what it did when it shipped, whatever the services do later).
_REFUSED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@dataclass(frozen=True)
class Code:
    table: str
    column: str
    max_length: int
    order: str  # who keeps the spelling: the first row in this order
    label: str


CODES = (
    Code("products", "sku", 64, "created_at, id", "SKU"),
    Code("products", "barcode", 64, "created_at, id", "barcode"),
    Code("users", "username", 64, "id", "user name"),
)
INDEXES = {
    # The non-unique lower(sku) index of 0009 becomes the unique one.
    "ux_products_sku_lower": ("products", "sku"),
    "ux_products_barcode_lower": ("products", "barcode"),
    "ux_users_username_lower": ("users", "username"),
}


def _visible(value: str) -> str:
    return "".join(c for c in value if unicodedata.category(c) not in _REFUSED).strip()


def _empty_replacement(code: Code, row_id: object) -> str | None:
    if code.column == "barcode":
        return None
    if code.table == "products":
        return f"SKU-{_shown(row_id).replace('-', '')[:8].upper()}"
    return f"user-{row_id}"


def _shown(row_id: object) -> str:
    """A product id as the admin window shows it (SQLite stores it as bare hex)."""
    if isinstance(row_id, int):
        return str(row_id)
    try:
        return str(uuid.UUID(str(row_id)))
    except ValueError:
        return str(row_id)


def _lower(conn: sa.Connection, value: str) -> str:
    return str(conn.execute(sa.text("SELECT lower(:v)"), {"v": value}).scalar_one())


def _renamed(conn: sa.Connection, code: Code, value: str, taken: set[str]) -> str:
    """value~N with the first N whose lower() no other row holds, cut to fit the column."""
    number = 2
    while True:
        suffix = f"~{number}"
        candidate = value[: code.max_length - len(suffix)] + suffix
        key = _lower(conn, candidate)
        if key not in taken:
            taken.add(key)
            return candidate
        number += 1


def _set(conn: sa.Connection, code: Code, row_id: object, value: str | None) -> None:
    conn.execute(
        sa.text(f"UPDATE {code.table} SET {code.column} = :v WHERE id = :id"),
        {"v": value, "id": row_id},
    )


def _make_unique(conn: sa.Connection, code: Code) -> list[str]:
    notes: list[str] = []
    rows = conn.execute(
        sa.text(
            f"SELECT id, {code.column}, lower({code.column}) FROM {code.table} "
            f"WHERE {code.column} IS NOT NULL ORDER BY {code.order}"
        )
    ).all()
    # Step 1: no invisible characters (the value may then equal another one: step 2).
    original = {row_id: value for row_id, value, _ in rows}
    lowered = {row_id: low for row_id, _, low in rows}
    values: dict[object, str] = {}
    for row_id, value, _low in rows:
        clean = _visible(value)
        if clean != value:
            replacement = clean or _empty_replacement(code, row_id)
            # Clear it first: the old unique constraints still hold until step 2 is done.
            _set(conn, code, row_id, None if code.column == "barcode" else f"\x01tmp{row_id}")
            notes.append(
                f"{code.table} {_shown(row_id)}: {code.label} {value!r} had invisible characters"
                f" -> {replacement!r}"
            )
            if replacement is None:
                continue
            value = replacement
            lowered[row_id] = _lower(conn, value)
        values[row_id] = value
    # Step 2: the oldest of each case-insensitive group keeps its spelling.
    taken = {lowered[row_id] for row_id in values}
    kept: set[str] = set()
    for row_id, value in values.items():  # in keeping order
        key = lowered[row_id]
        final = value
        if key in kept:
            final = _renamed(conn, code, value, taken)
            notes.append(
                f"{code.table} {_shown(row_id)}: {code.label} {value!r} equals another but for case"
                f" -> {final!r}"
            )
        kept.add(key)
        values[row_id] = final
    # Write in two passes so a swap never trips the old exact-match unique constraint.
    changed = {row_id: value for row_id, value in values.items() if value != original[row_id]}
    for row_id in changed:
        _set(conn, code, row_id, None if code.column == "barcode" else f"\x01tmp{row_id}")
    for row_id, value in changed.items():
        _set(conn, code, row_id, value)
    return notes


def upgrade() -> None:
    conn = op.get_bind()
    notes: list[str] = []
    for code in CODES:
        notes += _make_unique(conn, code)
    for note in notes:
        log.warning("migration 0011 renamed %s", note)
    context.config.attributes.setdefault("notes", []).extend(notes)
    op.drop_index("ix_products_sku_lower", table_name="products")
    for name, (table, column) in INDEXES.items():
        op.create_index(name, table, [sa.text(f"lower({column})")], unique=True)


def downgrade() -> None:
    for name, (table, _column) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.create_index("ix_products_sku_lower", "products", [sa.text("lower(sku)")])
