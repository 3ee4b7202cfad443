"""A finished batch as the store's tables (daily, summary, decisions, errors) in parquet bytes.

The tables go straight from the runs' column lists and rows into Arrow arrays. Through pandas (a
frame per run, concatenated, converted) they cost more than the rest of the sweep machinery
together: a batch holds thousands of daily rows but often only a few runs, and pandas' cost per
frame and per column dominated. Types are inferred as pandas infers them and each file carries
pandas' own metadata, so every table reads back with ``pandas.read_parquet`` exactly as when it was
written from frames: the same columns, dtypes and values.
"""

from __future__ import annotations

import functools
import io

import pyarrow as pa
import pyarrow.parquet as pq

from ..records import SUMMARY_COLUMNS, SUMMARY_DTYPES
from .design import Point

IDS = ("key", "point", "rep")
ARROW = {
    "Int64": pa.int64(),
    "bool": pa.bool_(),
    "uint64": pa.uint64(),
}  # the pandas dtypes fixed by name


def pack(results: list[dict], points: dict[int, Point], columns: list[str]) -> dict[str, bytes]:
    """Table name -> parquet bytes for a batch's results (as ``execute.run_batch`` returns them).

    Args:
        results: one dict per run: key, point, rep, seed and either daily (column lists), summary
            and decisions, or error and traceback.
        points: the batch's points by index.
        columns: the daily table's columns in order, ``IDS`` first; those a run lacks are null.
    """
    ok = [r for r in results if "error" not in r]
    bad = [r for r in results if "error" in r]
    tables = {}
    if ok:
        tables["daily"] = daily_table(ok, columns)
        tables["summary"] = summary_table(ok, points)
        tables["decisions"] = decisions_table(ok)
    if bad:
        rows = [
            {
                **{k: r[k] for k in IDS},
                "seed": r["seed"],
                "point_name": points[r["point"]].name,
                "error": r["error"],
                "traceback": r["traceback"],
            }
            for r in bad
        ]
        tables["errors"] = _rows_table(rows, list(rows[0]), {"seed": "uint64"})
    return {name: _parquet(table) for name, table in tables.items()}


def daily_table(ok: list[dict], columns: list[str]) -> pa.Table:
    """The runs' daily series one below the other, each row with its run's key, point and rep."""
    days = [len(next(iter(r["daily"].values()))) for r in ok]
    arrays = _ids(ok, days)
    for col in columns[len(IDS) :]:
        if all(col not in r["daily"] for r in ok):
            arrays.append(pa.nulls(sum(days), pa.float64()))  # a column no run has: all NaN
            continue
        values: list = []
        for r, n in zip(ok, days, strict=True):
            values.extend(r["daily"].get(col, (None,) * n))
        arrays.append(_array(values))
    return _with_pandas_metadata(pa.Table.from_arrays(arrays, names=list(columns)))


def summary_table(ok: list[dict], points: dict[int, Point]) -> pa.Table:
    """One row per run: ``SUMMARY_COLUMNS``, then key, point, point name, the point's parameters."""
    rows = [
        {
            "rep": r["rep"],
            "seed": r["seed"],
            **r["summary"],
            "key": r["key"],
            "point": r["point"],
            "point_name": points[r["point"]].name,
            **points[r["point"]].params,
        }
        for r in ok
    ]
    return _rows_table(
        rows, [*SUMMARY_COLUMNS, *(c for c in rows[0] if c not in SUMMARY_COLUMNS)], SUMMARY_DTYPES
    )


def decisions_table(ok: list[dict]) -> pa.Table:
    """Every run's decision log, one row per day, each with its run's key, point and rep."""
    rows = [row for r in ok for row in r["decisions"]]
    orders = list(dict.fromkeys(tuple(row) for row in rows))
    names = list(
        dict.fromkeys(c for order in orders for c in order)
    )  # in order of first appearance
    if len(orders) == 1:  # every row has the same columns in the same order: transpose them at once
        arrays = [_array(list(v)) for v in zip(*(row.values() for row in rows), strict=True)]
    else:
        arrays = [_array([row.get(c) for row in rows]) for c in names]
    ids = _ids(ok, [len(r["decisions"]) for r in ok])
    return _with_pandas_metadata(pa.Table.from_arrays(ids + arrays, names=[*IDS, *names]))


def _ids(ok: list[dict], rows: list[int]) -> list[pa.Array]:
    """The key, point and rep columns: each run's own repeated over its rows."""
    return [_array([r[k] for r, n in zip(ok, rows, strict=True) for _ in range(n)]) for k in IDS]


def _rows_table(rows: list[dict], names: list[str], dtypes: dict[str, str]) -> pa.Table:
    """A table of the rows' values under ``names`` (None where a row lacks one), as a pandas
    frame built from the rows and cast to ``dtypes`` (pandas dtype names from ``ARROW``) would
    hold them."""
    arrays = [
        _array([row.get(c) for row in rows], ARROW.get(dtypes[c]) if c in dtypes else None)
        for c in names
    ]
    table = pa.Table.from_arrays(arrays, names=names)
    return _with_pandas_metadata(table, tuple((c, d) for c, d in dtypes.items() if c in names))


def _array(values: list, type: pa.DataType | None = None) -> pa.Array:
    """An Arrow array typed as pandas types the same values in a frame column, unless ``type`` is
    given.

    NaN and None are nulls; strings are ``large_string`` (pandas' ``str`` columns); integers with
    a missing value are float64.
    """
    if type is None and values and isinstance(values[0], str):
        type = (
            pa.large_string()
        )  # text read as text: a fifth of the cost of inferring it, then casting
    arr = pa.array(values, type=type, from_pandas=True)
    if type is not None:
        return arr
    if pa.types.is_string(arr.type):
        return arr.cast(pa.large_string())
    if pa.types.is_integer(arr.type) and arr.null_count:
        return arr.cast(pa.float64())
    return arr


def _with_pandas_metadata(table: pa.Table, dtypes: tuple[tuple[str, str], ...] = ()) -> pa.Table:
    return table.replace_schema_metadata(_pandas_metadata(table.schema, dtypes))


@functools.cache
def _pandas_metadata(schema: pa.Schema, dtypes: tuple[tuple[str, str], ...]) -> dict[bytes, bytes]:
    """The metadata pandas writes with a frame of this schema and these dtypes, which
    ``read_parquet`` needs to restore the dtypes Arrow's own types do not tell (nullable integers).

    Derived once per schema, from an empty frame: it describes the columns, not their values.
    """
    frame = schema.empty_table().to_pandas().astype(dict(dtypes))
    return pa.Schema.from_pandas(frame, preserve_index=False).metadata


def _parquet(table: pa.Table) -> bytes:
    """The table as parquet bytes; dictionary encoding only for text, where it pays: on the float
    series it took most of the write time and, after compression, made the files larger."""
    buf = io.BytesIO()
    pq.write_table(
        table,
        buf,
        use_dictionary=[f.name for f in table.schema if pa.types.is_large_string(f.type)],
    )
    return buf.getvalue()
