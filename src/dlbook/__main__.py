"""``python -m dlbook fetch``: fill the data cache once (``make install`` runs it)."""

import argparse

from .data import data_home, fetch_movie_reviews


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlbook", description=__doc__)
    parser.add_argument("command", choices=["fetch"], help="fetch and verify every cached data set")
    parser.parse_args(argv)
    path = fetch_movie_reviews()
    print(f"movie reviews: verified, cached in {path.parent} (override with DLBOOK_DATA)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
