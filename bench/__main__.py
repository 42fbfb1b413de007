"""`python -m bench NAME [--database URL] [--counters N] [--seconds S]`: JSON lines out.

NAME is hot_product, checkout, catalog_scale or all. The database URL is an admin URL on a
PostgreSQL server where scratch databases may be created (default: $POS_BENCH_DATABASE_URL,
else postgresql+psycopg://postgres@127.0.0.1:5432/test); SQLite runs use a temp file.
"""

from __future__ import annotations

import argparse
import sys

from bench import catalog_scale, checkout, common, hot_product

BENCHMARKS = ("hot_product", "checkout", "catalog_scale")


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=(*BENCHMARKS, "all"))
    parser.add_argument("--database", help="PostgreSQL admin URL for scratch databases")
    parser.add_argument(
        "--counters", type=_ints, help="counter processes, e.g. 8 or 1,2,4,8 (default 1,2,4,8)"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument(
        "--backend",
        choices=("postgresql", "sqlite", "both"),
        default="both",
        help="hot_product and checkout default to both; PostgreSQL is the multi-counter one",
    )
    parser.add_argument("--products", type=int, help="checkout catalog size (default 10000)")
    parser.add_argument(
        "--sizes", type=_ints, help="catalog_scale sizes (default 100000; --huge adds 1000000)"
    )
    parser.add_argument("--huge", action="store_true", help="catalog_scale: also 1,000,000")
    parser.add_argument("--queries", type=int, default=catalog_scale.QUERIES_PER_KIND)
    parser.add_argument("--no-gui", action="store_true", help="catalog_scale: skip the GUI probe")
    parser.add_argument(
        "--scroll-limit", type=float, default=30.0, help="catalog_scale: max seconds scrolling"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    admin = common.admin_url(args.database)
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    names = BENCHMARKS if args.name == "all" else (args.name,)
    for name in names:
        if name == "hot_product":
            hot_product.run(admin, backends, args.counters, args.seconds)
        elif name == "checkout":
            checkout.run(
                admin, backends, args.counters, args.seconds, args.products or checkout.CATALOG
            )
        else:
            sizes = args.sizes or list(
                catalog_scale.HUGE_SIZES if args.huge else catalog_scale.DEFAULT_SIZES
            )
            catalog_scale.run(
                admin,
                backends,
                sizes,
                queries=args.queries,
                gui=not args.no_gui,
                scroll_limit_s=args.scroll_limit,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
