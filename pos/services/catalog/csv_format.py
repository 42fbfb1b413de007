"""Reading a products CSV: the file's shape and every row checked, nothing in the database.

Spreadsheets write CSV the way the computer's locale says: commas, or semicolons where
the decimal separator is a comma. The delimiter is taken from the header line (which
holds column names only), and a price may be written 12.50 or 12,50 either way.
Every row runs through the product field rules (catalog/rules.py) and every problem of
every row is kept with its line number, so a manager fixes the file once.

The image column names a picture without a machine path: a file next to the CSV (or in
a folder beside it), a picture already stored in this database (``sha256:<hex>``, what
an export writes), or an image bundled with the app.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pos.errors import ErrorCode, PosError
from pos.services.catalog import images, rules

COLUMNS = (
    "sku",
    "barcode",
    "name",
    "description",
    "category",
    "price",
    "stock",
    "low_stock_threshold",
    "image",
    "active",
)
REQUIRED = ("sku", "name", "price")
DELIMITERS = (",", ";", "\t")
CHUNK = 500
_DECIMAL_COMMA = re.compile(r"-?\d+,\d{1,2}")

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportRow:
    line: int
    sku: str
    name: str
    price_cents: int
    barcode: str | None
    description: str
    category: str | None
    stock: int | None
    threshold: int | None
    image: str | None  # a stored or bundled reference
    image_file: Path | None  # or a picture file next to the CSV, stored on import
    active: bool


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    delimiter: str = ","


def read_text(path: str | Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise PosError(
            ErrorCode.VALIDATION_ERROR, "The file is not UTF-8 text.", {"path": str(path)}
        ) from None
    except OSError as exc:
        raise PosError(
            ErrorCode.VALIDATION_ERROR, f"Cannot read the file: {exc.strerror}.", {}
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of , ; TAB that it holds most of."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _problem(rule: Callable[[str], object], raw: str, problems: list[str]) -> object:
    try:
        return rule(raw)
    except PosError as err:
        problems.append(err.message.rstrip("."))
        return None


def _price(raw: str, problems: list[str]) -> int:
    comma = _DECIMAL_COMMA.fullmatch(raw) is not None
    cents = _problem(lambda v: rules.price_cents(v, decimal_comma=comma), raw, problems)
    return cents if isinstance(cents, int) else 0


def _optional_whole(raw: str, rule: Callable[[str], int], problems: list[str]) -> int | None:
    if raw == "":
        return None
    value = _problem(rule, raw, problems)
    return value if isinstance(value, int) else None


def _image(raw: str, folder: Path | None, problems: list[str]) -> tuple[str | None, Path | None]:
    """(reference, file to store) for an image cell."""
    if not raw:
        return None, None
    relative = PurePosixPath(raw.replace("\\", "/"))
    is_relative_name = not relative.is_absolute() and ".." not in relative.parts and ":" not in raw
    if folder is not None and is_relative_name:
        candidate = folder.joinpath(*relative.parts)
        if candidate.is_file():
            try:
                images.checked(candidate.read_bytes())
            except PosError as err:
                problems.append(f"image {raw[:60]!r}: {err.message.rstrip('.')}")
                return None, None
            except OSError as exc:
                problems.append(f"image {raw[:60]!r} cannot be read ({exc.strerror})")
                return None, None
            return None, candidate
    if images.is_reference(raw) or images.bundled_path(raw) is not None:
        return raw, None
    if not is_relative_name:
        problems.append(
            f"image {raw[:60]!r} is a path on one machine; put the picture next to the CSV "
            "file and give its file name"
        )
    else:
        problems.append(f"image file {raw[:60]!r} is not next to the CSV file")
    return None, None


def parse(
    text: str, folder: Path | None = None, progress: Progress | None = None, total: int = 0
) -> ParsedFile:
    """Check every row of the file; `folder` is where image file names are looked up."""
    delimiter = sniff_delimiter(text)
    parsed = ParsedFile(delimiter=delimiter)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        parsed.errors.append(RowError(1, "the file is empty"))
        return parsed
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unknown:
            parts.append("unknown columns: " + ", ".join(repr(u[:30]) for u in unknown))
        parsed.errors.append(RowError(1, "; ".join(parts)))
        return parsed
    seen_sku: dict[str, int] = {}
    seen_barcode: dict[str, int] = {}
    line = reader.line_num + 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            parsed.errors.append(
                RowError(start, f"has {len(record)} fields, the header has {len(header)}")
            )
            continue
        cell = {k: v.strip() for k, v in zip(header, record, strict=True)}
        problems: list[str] = []
        sku = _problem(rules.sku, cell.get("sku", ""), problems)
        if isinstance(sku, str):
            if sku in seen_sku:
                problems.append(f"duplicate SKU {sku!r} (also on line {seen_sku[sku]})")
            else:
                seen_sku[sku] = start
        name = _problem(rules.name, cell.get("name", ""), problems)
        price = _price(cell.get("price", ""), problems)
        barcode = _problem(rules.barcode, cell.get("barcode", ""), problems)
        if isinstance(barcode, str):
            if barcode in seen_barcode:
                problems.append(f"duplicate barcode (also on line {seen_barcode[barcode]})")
            else:
                seen_barcode[barcode] = start
        stock = _optional_whole(cell.get("stock", ""), rules.stock, problems)
        threshold = _optional_whole(
            cell.get("low_stock_threshold", ""), rules.low_stock_threshold, problems
        )
        active_raw = cell.get("active", "")
        active = _problem(rules.active, active_raw, problems) if active_raw else True
        description = _problem(rules.description, cell.get("description", ""), problems)
        category = _problem(rules.category, cell.get("category", ""), problems)
        image, image_file = _image(cell.get("image", ""), folder, problems)
        if problems:
            parsed.errors.append(RowError(start, "; ".join(problems)))
        else:
            parsed.rows.append(
                ImportRow(
                    line=start,
                    sku=str(sku),
                    name=str(name),
                    price_cents=price,
                    barcode=barcode if isinstance(barcode, str) else None,
                    description=str(description),
                    category=category if isinstance(category, str) else None,
                    stock=stock,
                    threshold=threshold,
                    image=image,
                    image_file=image_file,
                    active=bool(active),
                )
            )
        done = len(parsed.rows) + len(parsed.errors)
        if progress and done % CHUNK == 0:
            progress(done, total)
    return parsed
