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
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pos.errors import ErrorCode, PosError
from pos.services.catalog import images, rules
from pos.services.catalog.safe_files import read_regular_file
from pos.services.plumbing.csv_cells import text_from_cell

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
# The text columns: an export may have quoted a formula-looking start (plumbing/csv_cells.py).
TEXT_COLUMNS = frozenset({"sku", "barcode", "name", "description", "category", "image"})
DELIMITERS = (",", ";", "\t")
CHUNK = 500
# 10,000 products with long descriptions are a few MiB; a bigger file is a mistake.
MAX_FILE_BYTES = 100 * 1024 * 1024
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
    folder: Path | None  # the CSV's folder, the only place image files may come from
    active: bool


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    delimiter: str = ","


def read_text(path: str | Path) -> str:
    """The file's text: a regular file (never a FIFO or a device) of at most MAX_FILE_BYTES."""
    data = read_regular_file(path, max_bytes=MAX_FILE_BYTES, label="The CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"The file is not UTF-8 text (line {line}).",
            {"path": str(path), "line": line},
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
        if os.path.lexists(candidate):
            # Read and checked now, so the preview lists it; a regular file in the CSV's
            # folder only (no FIFO, no device, no link to a file elsewhere).
            try:
                images.read_file(candidate, inside=folder)
            except PosError as err:
                problems.append(f"image {raw[:60]!r}: {err.message.rstrip('.')}")
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


def header_problem(header: list[str]) -> str | None:
    """Why the header line cannot be used (unknown, missing or repeated columns), or None."""
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    repeated = sorted({h for h in header if h in COLUMNS and header.count(h) > 1})
    parts = []
    if missing:
        parts.append("missing columns: " + ", ".join(missing))
    if unknown:
        parts.append("unknown columns: " + ", ".join(repr(u[:30]) for u in unknown))
    if repeated:
        # Which of two price columns would win is a guess: refuse instead.
        parts.append("columns given more than once: " + ", ".join(repeated))
    return "; ".join(parts) or None


def _unreadable(exc: csv.Error) -> str:
    """A csv.Error in a manager's words (the reader's own text names no line)."""
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters (a missing "
            "closing quote?); the rest of the file was not checked"
        )
    return f"the CSV cannot be read here ({text[:80]}); the rest of the file was not checked"


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
    except csv.Error as exc:
        parsed.errors.append(RowError(1, _unreadable(exc)))
        return parsed
    problem = header_problem(header)
    if problem:
        parsed.errors.append(RowError(1, problem))
        return parsed
    seen_sku: dict[str, int] = {}
    seen_barcode: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The reader cannot tell where the broken record ends: stop here.
            parsed.errors.append(RowError(line, _unreadable(exc)))
            break
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            parsed.errors.append(
                RowError(start, f"has {len(record)} fields, the header has {len(header)}")
            )
            continue
        cell = {
            k: text_from_cell(v.strip()) if k in TEXT_COLUMNS else v.strip()
            for k, v in zip(header, record, strict=True)
        }
        problems: list[str] = []
        sku = _problem(rules.sku, cell.get("sku", ""), problems)
        if isinstance(sku, str):  # SKUs and barcodes are the same whatever their case
            if sku.lower() in seen_sku:
                problems.append(f"duplicate SKU {sku!r} (also on line {seen_sku[sku.lower()]})")
            else:
                seen_sku[sku.lower()] = start
        name = _problem(rules.name, cell.get("name", ""), problems)
        price = _price(cell.get("price", ""), problems)
        barcode = _problem(rules.barcode, cell.get("barcode", ""), problems)
        if isinstance(barcode, str):
            if barcode.lower() in seen_barcode:
                problems.append(f"duplicate barcode (also on line {seen_barcode[barcode.lower()]})")
            else:
                seen_barcode[barcode.lower()] = start
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
                    folder=folder,
                    active=bool(active),
                )
            )
        done = len(parsed.rows) + len(parsed.errors)
        if progress and done % CHUNK == 0:
            progress(done, total)
    return parsed
