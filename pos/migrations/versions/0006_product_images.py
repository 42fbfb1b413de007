"""product images stored in the database

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A product's image used to be a path on the manager's machine: other counters could not
show it and the CSV export carried the path. Pictures now live in `product_images`,
keyed by the SHA-256 of their bytes; a product refers to one as `sha256:<hex>` (or to a
bundled demo image by its bare name, as before).

Existing paths that this machine can read, that hold a picture of at most 2 MiB, are
stored and their products switched to the reference. Others are left as they were (the
machine that can read them may not be the one migrating); the manager can choose the
picture again in the product dialog.
"""

import hashlib
import os
import stat
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_BYTES = 2 * 1024 * 1024
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _read_picture(path: str) -> bytes | None:
    """The bytes of a regular file of at most MAX_BYTES, else None. Stat first and open
    non-blocking: a FIFO or a device named as a picture must not hang `pos migrate`
    (self-contained on purpose: a migration must not change with the app's code)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_BYTES:
            return None
        data = b""
        while len(data) <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - len(data))
            if not chunk:
                break
            data += chunk
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= MAX_BYTES else None


def upgrade() -> None:
    op.create_table(
        "product_images",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_product_images")),
    )
    _store_readable_paths()


def _store_readable_paths() -> None:
    bind = op.get_bind()
    rows = [
        (product_id, path)
        for product_id, path in bind.execute(
            sa.text("SELECT id, image FROM products WHERE image IS NOT NULL")
        )
        if "/" in path or "\\" in path  # a path; bare names are bundled images
    ]
    images = sa.table(
        "product_images",
        sa.column("digest", sa.String),
        sa.column("media_type", sa.String),
        sa.column("size", sa.Integer),
        sa.column("data", sa.LargeBinary),
        sa.column("created_at", sa.DateTime),
    )
    stored: set[str] = set()
    for product_id, path in rows:
        data = _read_picture(path)
        if data is None:
            continue
        kind = next((k for sig, k in SIGNATURES if data.startswith(sig)), None)
        if kind is None or len(data) > MAX_BYTES:
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest not in stored:
            bind.execute(
                sa.insert(images).values(
                    digest=digest,
                    media_type=kind,
                    size=len(data),
                    data=data,
                    created_at=sa.func.current_timestamp(),
                )
            )
            stored.add(digest)
        bind.execute(
            sa.text("UPDATE products SET image = :ref WHERE id = :id"),
            {"ref": f"sha256:{digest}", "id": product_id},
        )


def downgrade() -> None:
    op.drop_table("product_images")
