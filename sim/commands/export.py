"""``sim export DIR --csv``: every table of a run or experiment folder as CSV beside its parquet."""

from __future__ import annotations

from pathlib import Path

from ..config import ConfigError


def register(sub) -> None:
    p = sub.add_parser("export", help="write every result table of a folder as CSV")
    p.add_argument("dir", type=Path, help="a folder written by `sim run` or `sim experiment`")
    p.add_argument(
        "--csv", action="store_true", help="as CSV, one file per table beside it (the only format)"
    )
    p.set_defaults(func=main)


def main(args) -> int:
    from ..export import export_csv

    if not args.csv:
        raise ConfigError(
            f"sim export {args.dir}: say which format to write: --csv (one CSV per table, "
            "beside its parquet; the only format so far)."
        )
    files = export_csv(args.dir)
    for f in files:
        print(f"  {f}")
    print(f"{len(files)} tables written as CSV in {args.dir}/")
    return 0
