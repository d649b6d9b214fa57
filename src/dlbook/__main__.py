"""The command line of the helpers: ``python -m dlbook fetch`` and ``python -m dlbook table``.

``fetch`` fills the data cache and checks every data set of the registry
(``make install`` and ``make data`` run it); ``table`` prints, or writes into
the data page, the tables generated from the registry (src/dlbook/data.py).
"""

import argparse
import pathlib
import sys
import textwrap

from .data import DATASETS, DatasetUnavailableError, data_home, fetch_datasets, update_data_page

#: The data page, relative to the repository root.
DATA_PAGE = pathlib.Path("book") / "data.md"


def main(argv=None) -> int:
    """Run one command; return the process's exit status (0 when all went well)."""
    keys = textwrap.fill("data sets: " + ", ".join(d.key for d in DATASETS),
                         break_on_hyphens=False)
    parser = argparse.ArgumentParser(prog="python -m dlbook", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser(
        "fetch", help="fetch and verify every data set the chapters read",
        description="Fetch the data sets that are not shipped in a package (into DLBOOK_DATA\n"
                    "or ~/.cache/dlbook) and check the sha256 of every file the book reads.",
        epilog=keys, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fetch.add_argument("keys", nargs="*", metavar="NAME",
                       help="only these data sets (default: all but the opt-in ones)")
    fetch.add_argument("--opt-in", action="store_true",
                       help="also download the full-size opt-in sets (online, about 230 MB)")
    table = commands.add_parser(
        "table", help="print the data page's tables, generated from the registry",
        description="Print the data page with its tables regenerated from dlbook.data.DATASETS, "
                    "or write it in place with --write.",
    )
    table.add_argument("--write", type=pathlib.Path, metavar="PAGE", nargs="?", const=DATA_PAGE,
                       help=f"rewrite the tables in PAGE (default {DATA_PAGE})")
    args = parser.parse_args(argv)

    if args.command == "fetch":
        try:
            fetch_datasets(args.keys or None, opt_in=args.opt_in)
        except (DatasetUnavailableError, ValueError) as err:
            print(f"python -m dlbook fetch: {err}", file=sys.stderr)
            return 1
        print(f"cache: {data_home()} (set DLBOOK_DATA to move it)")
        return 0

    page = args.write or DATA_PAGE
    if not page.is_file():
        print(f"python -m dlbook table: no data page at {page}; run it from the repository root "
              "or pass --write PAGE", file=sys.stderr)
        return 1
    text = page.read_text(encoding="utf-8")
    try:
        updated = update_data_page(text)
    except ValueError as err:
        print(f"python -m dlbook table: {page}: {err}", file=sys.stderr)
        return 1
    if args.write:
        page.write_text(updated, encoding="utf-8")
        print(f"{page}: {'tables updated' if updated != text else 'already up to date'}")
    else:
        print(updated, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
