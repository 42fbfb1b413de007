"""Big generated catalogs, bulk-loaded: COPY on PostgreSQL, executemany on SQLite.

Every product gets its stock through one `import` ledger row, so the audit (stock equals
the sum of its movements) holds from the start.
"""

from __future__ import annotations

import io
import random
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from pos.db import normalize_url

ADJECTIVES = [
    "Classic",
    "Compact",
    "Deluxe",
    "Eco",
    "Fresh",
    "Golden",
    "Grand",
    "Handy",
    "Heavy",
    "Light",
    "Mini",
    "Modern",
    "Natural",
    "Organic",
    "Premium",
    "Pure",
    "Quick",
    "Royal",
    "Rustic",
    "Sharp",
    "Silent",
    "Smart",
    "Soft",
    "Solid",
    "Sturdy",
    "Super",
    "Tiny",
    "Ultra",
    "Urban",
    "Vintage",
    "Warm",
    "Zesty",
]
NOUNS = [
    "Apron",
    "Backpack",
    "Basket",
    "Blanket",
    "Bottle",
    "Bowl",
    "Brush",
    "Bucket",
    "Candle",
    "Chair",
    "Clock",
    "Coaster",
    "Cushion",
    "Cutlery",
    "Desk",
    "Drill",
    "Glove",
    "Grater",
    "Hammer",
    "Hanger",
    "Heater",
    "Helmet",
    "Jacket",
    "Jar",
    "Kettle",
    "Ladder",
    "Lamp",
    "Lantern",
    "Mirror",
    "Mixer",
    "Mug",
    "Napkin",
    "Notebook",
    "Organizer",
    "Oven",
    "Pan",
    "Pencil",
    "Pillow",
    "Planter",
    "Plate",
    "Pot",
    "Radio",
    "Rake",
    "Rug",
    "Saucer",
    "Scarf",
    "Scissors",
    "Shelf",
    "Shovel",
    "Skillet",
    "Speaker",
    "Spoon",
    "Stool",
    "Sweater",
    "Table",
    "Teapot",
    "Thermos",
    "Toaster",
    "Towel",
    "Tray",
    "Umbrella",
    "Vase",
    "Wallet",
]
MATERIALS = [
    "Bamboo",
    "Brass",
    "Ceramic",
    "Copper",
    "Cotton",
    "Glass",
    "Granite",
    "Iron",
    "Leather",
    "Linen",
    "Marble",
    "Oak",
    "Pine",
    "Rubber",
    "Steel",
    "Wool",
]
CATEGORIES = ("Home", "Kitchen", "Garden", "Tools", "Clothing", "Office", "Outdoor", "Decor")
STOCK_PER_PRODUCT = 10_000

PRODUCT_COLUMNS = (
    "id, sku, barcode, name, description, category_id, price_cents, stock_quantity, "
    "active, image, low_stock_threshold, created_at, updated_at"
)
MOVEMENT_COLUMNS = "product_id, delta, reason, stock_after, note, created_at"


def sku(i: int) -> str:
    return f"SKU-{i:07d}"


def barcode(i: int) -> str:
    return f"{2_000_000_000_000 + i}"


def model_code(i: int) -> str:
    return f"M{(i * 7_919) % 10_000_000:07d}"


def name(i: int) -> str:
    adjective = ADJECTIVES[i % len(ADJECTIVES)]
    noun = NOUNS[(i // len(ADJECTIVES)) % len(NOUNS)]
    material = MATERIALS[(i // (len(ADJECTIVES) * len(NOUNS))) % len(MATERIALS)]
    return f"{adjective} {noun} {material} {model_code(i)}"


def product_id(i: int) -> uuid.UUID:
    return uuid.UUID(int=(0x5EED << 96) | i)


def name_queries(count: int, products: int, seed: int = 7) -> list[str]:
    """What a clerk types: a whole word, part of a word, or part of a model code."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        kind = n % 3
        if kind == 0:
            out.append(rng.choice(NOUNS).lower())
        elif kind == 1:
            word = rng.choice(NOUNS + MATERIALS)
            start = rng.randint(0, max(0, len(word) - 4))
            out.append(word[start : start + 4].lower())
        else:
            out.append(model_code(rng.randrange(products))[1:7])
    return out


def load_catalog(url: str, products: int, *, batch: int = 50_000) -> float:
    """Load `products` products (and their ledger rows); seconds it took."""
    started = time.perf_counter()
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == "postgresql":
        _load_pg(parsed.set(drivername="postgresql").render_as_string(False), products, batch)
    else:
        _load_sqlite(str(parsed.database), products, batch)
    return time.perf_counter() - started


def _rows(start: int, stop: int, now: datetime) -> list[tuple[Any, ...]]:
    return [
        (
            product_id(i),
            sku(i),
            barcode(i),
            name(i),
            "",
            i % len(CATEGORIES) + 1,
            99 + (i * 37) % 9_900,
            STOCK_PER_PRODUCT,
            True,
            None,
            5,
            now,
            now,
        )
        for i in range(start, stop)
    ]


def _load_pg(conninfo: str, products: int, batch: int) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    stamp = now.isoformat(sep=" ")
    with psycopg.connect(conninfo) as conn:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO categories (id, name) VALUES (%s, %s)",
                [(n + 1, c) for n, c in enumerate(CATEGORIES)],
            )
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('categories', 'id'), %s)", (len(CATEGORIES),)
            )
            for start in range(0, products, batch):
                stop = min(products, start + batch)
                text_rows = io.StringIO()
                ledger = io.StringIO()
                for i in range(start, stop):
                    pid = product_id(i)
                    text_rows.write(
                        f"{pid}\t{sku(i)}\t{barcode(i)}\t{name(i)}\t\t{i % len(CATEGORIES) + 1}"
                        f"\t{99 + (i * 37) % 9_900}\t{STOCK_PER_PRODUCT}\tt\t\\N\t5"
                        f"\t{stamp}\t{stamp}\n"
                    )
                    ledger.write(
                        f"{pid}\t{STOCK_PER_PRODUCT}\timport\t{STOCK_PER_PRODUCT}"
                        f"\tbench catalog\t{stamp}\n"
                    )
                with cur.copy(f"COPY products ({PRODUCT_COLUMNS}) FROM STDIN") as copy:
                    copy.write(text_rows.getvalue())
                with cur.copy(f"COPY stock_movements ({MOVEMENT_COLUMNS}) FROM STDIN") as copy:
                    copy.write(ledger.getvalue())
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE products")
        conn.execute("ANALYZE stock_movements")


def _load_sqlite(path: str, products: int, batch: int) -> None:
    # The same text forms SQLAlchemy stores: hex UUIDs and ISO timestamps.
    stamp = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO categories (id, name) VALUES (?, ?)",
            [(n + 1, c) for n, c in enumerate(CATEGORIES)],
        )
        for start in range(0, products, batch):
            stop = min(products, start + batch)
            ids = [product_id(i).hex for i in range(start, stop)]
            conn.executemany(
                f"INSERT INTO products ({PRODUCT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, '', ?, ?, ?, 1, NULL, 5, ?, ?)",
                (
                    (
                        pid,
                        sku(i),
                        barcode(i),
                        name(i),
                        i % len(CATEGORIES) + 1,
                        99 + (i * 37) % 9_900,
                        STOCK_PER_PRODUCT,
                        stamp,
                        stamp,
                    )
                    for pid, i in zip(ids, range(start, stop), strict=True)
                ),
            )
            conn.executemany(
                f"INSERT INTO stock_movements ({MOVEMENT_COLUMNS}) "
                "VALUES (?, ?, 'import', ?, 'bench catalog', ?)",
                ((pid, STOCK_PER_PRODUCT, STOCK_PER_PRODUCT, stamp) for pid in ids),
            )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
