"""Turns the simulated arrays into the raw tables of the contract and writes them.

numpy holds integer codes, cents and epoch seconds. A raw table is a list of columns, each an
array over the simulated rows (or a function of the rows, for derived values) with an encoding
that turns it into the contract's text ids, labels, decimal amounts or timestamps (`Ids`,
`Labels`, `Cents`, ...): vectorised numpy and Arrow, no SQL, no Python loop over rows. The
Parquet files are written with pyarrow in row groups of ROW_GROUP_ROWS rows.

Two threads share the work: a writer thread encodes and writes the smaller tables while the
caller simulates the events, then the events go through a pipeline (the caller gathers and
encodes a chunk while the writer thread compresses and writes the one before). Rows keep their
order and every chunk has fixed bounds, so the same seed gives byte-identical files, with any
number of threads.

Bad rows break the contract on purpose (see bad_rows.py): a break changes a column's values for
the rows chosen for it before they are encoded.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .bad_rows import BREAKS, DUPLICATE, BadRowPlan, Change, changes_by_column
from .timeline import DAY

# Rows per Parquet row group, and per chunk the writer thread takes at a time.
ROW_GROUP_ROWS = 1_000_000
# Encoded chunks waiting for the writer thread, at most: bounds the memory of the pipeline while
# letting the small tables queue up whole (they are written while the events are simulated).
BYTES_IN_FLIGHT = 512 << 20
# Dictionary encoding only for labels: ids, timestamps and amounts are plain (zstd packs them
# smaller than a dictionary would). Min/max statistics only where a reader can skip row groups
# with them: a table's own ids (in row order) and timestamps (the events are in time order).
PARQUET_OPTIONS = dict(
    compression="zstd",
    # DECIMAL(18, 2) as INT64, as DuckDB writes it
    store_decimal_as_integer=True,
    # readers see the contract's plain types (text, not Arrow dictionaries)
    store_schema=False,
)
CSV_OPTIONS = "format csv, header true, timestampformat '%Y-%m-%d %H:%M:%S'"

# "0000" .. "9999" as little-endian 4-byte words: ids are formatted four digits at a time
_FOUR_DIGITS = np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode("ascii"), dtype="<u4")


Texts = list[tuple[np.ndarray, str]]  # (rows, text): text breaks, replacing the value of those rows


class Encoding(Protocol):
    """Turns a column's numpy values (already gathered for the rows of a chunk, not to be changed
    in place) into Arrow, null where missing, with the text breaks applied."""

    def encode(self, values: np.ndarray, missing: np.ndarray, texts: Texts) -> pa.Array: ...


# Arrow arrays are built from numpy buffers (pa.Array.from_buffers): no copy, and no detour
# through pa.array, whose first call imports pandas (half a second).

def _validity(missing: np.ndarray | None) -> pa.Buffer | None:
    """Arrow's validity bitmap (None when nothing is missing)."""
    if missing is None or not missing.any():
        return None
    return pa.py_buffer(np.packbits(~missing, bitorder="little"))


def arrow(values: np.ndarray, arrow_type: pa.DataType, missing: np.ndarray | None = None) -> pa.Array:
    """A numpy array (one row per element, or per row of a 2-d array) as an Arrow array of a type
    of the same width: int32 as int32 or date32, bool as bool, ..."""
    values = np.ascontiguousarray(values)
    data = np.packbits(values, bitorder="little") if arrow_type == pa.bool_() else values
    return pa.Array.from_buffers(arrow_type, len(values), [_validity(missing), pa.py_buffer(data)])


def strings(values: Sequence[str]) -> pa.Array:
    """Arrow text from Python strings."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(value) for value in encoded], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets),
                                                             pa.py_buffer(b"".join(encoded))])


def text_scalar(text: str | None) -> pa.Scalar:
    """An Arrow text scalar (null for None), for pyarrow.compute."""
    return (pa.nulls(1, pa.string()) if text is None else strings([text]))[0]


class Ids:
    """Text ids: prefix plus the zero-padded number, as printf('C%07d', n); negative is null.
    Numbers that repeat (the keys of another table) are formatted once each and taken."""

    def __init__(self, prefix: str, width: int) -> None:
        self.prefix = prefix
        self.width = width
        self._formatted = strings([])  # the ids of 0, 1, ... (grown as needed)

    def encode(self, values: np.ndarray, missing: np.ndarray, texts: Texts) -> pa.Array:
        values = values.astype(np.int64, copy=False)
        missing = missing | (values < 0)
        largest = int(values.max()) if values.size else -1
        if not texts and largest >= 2 * values.size:  # mostly distinct numbers: format them all
            return format_ids(self.prefix, np.where(missing, 0, values), self.width, missing)
        if largest >= len(self._formatted):
            self._formatted = format_ids(self.prefix, np.arange(max(largest + 1, 2 * len(self._formatted))),
                                         self.width)
        codes = np.where(missing, 0, values)
        extra = []
        for rows, text in texts:
            codes[rows] = len(self._formatted) + len(extra)
            missing[rows] = False
            extra.append(text)
        dictionary = pa.concat_arrays([self._formatted, strings(extra)]) if extra else self._formatted
        return dictionary.take(arrow(codes, pa.int64(), missing))


class Labels:
    """Text from a short list: values are codes into names (which may repeat a name); negative is
    null. Written as a dictionary of the distinct names (Arrow's and Parquet's), so each name is
    stored once per row group."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self._distinct = list(dict.fromkeys(names))  # Arrow dictionaries must not repeat a value
        self._code_of_name = (np.array([self._distinct.index(name) for name in names], dtype=np.int32)
                              if len(self._distinct) < len(names) else None)
        self._dictionary = strings(self._distinct)

    def encode(self, values: np.ndarray, missing: np.ndarray, texts: Texts) -> pa.Array:
        missing = missing | (values < 0)
        codes = values.astype(np.int32)
        codes[missing] = 0
        if self._code_of_name is not None:
            codes = self._code_of_name[codes]
        names = list(self._distinct)
        for rows, text in texts:
            if text not in names:
                names.append(text)
            codes[rows] = names.index(text)
            missing[rows] = False
        dictionary = self._dictionary if len(names) == len(self._distinct) else strings(names)
        return pa.DictionaryArray.from_arrays(arrow(codes, pa.int32(), missing), dictionary, safe=False)


class Timestamps:
    """UTC timestamps in whole seconds (no time zone) from epoch seconds; NaN is null."""

    def encode(self, values: np.ndarray, missing: np.ndarray, texts: Texts) -> pa.Array:
        missing = missing | np.isnan(values)
        micros = np.floor(values)
        if missing.any():
            micros[missing] = 0.0
        micros = micros.astype(np.int64)
        micros *= 1_000_000
        return arrow(micros, pa.timestamp("us"), missing)


class Dates:
    """Dates from epoch seconds."""

    def encode(self, values: np.ndarray, missing: np.ndarray, texts: Texts) -> pa.Array:
        return arrow(np.floor(values / DAY).astype(np.int32), pa.date32(), missing)


class Cents:
    """DECIMAL(18, 2) from an integer number of cents, exactly."""

    def encode(self, values: np.ndarray, missing: np.ndarray, texts: Texts) -> pa.Array:
        return arrow(values.astype(np.int64), pa.decimal64(18, 2), missing)


class Integers:
    """INTEGER (32 bits)."""

    def encode(self, values: np.ndarray, missing: np.ndarray, texts: Texts) -> pa.Array:
        return arrow(values.astype(np.int32), pa.int32(), missing)


class Booleans:
    def encode(self, values: np.ndarray, missing: np.ndarray, texts: Texts) -> pa.Array:
        return arrow(values.astype(bool), pa.bool_(), missing)


class Text:
    """Text built beforehand for every simulated row (values are an Arrow string array)."""

    def encode(self, values: pa.Array, missing: np.ndarray, texts: Texts) -> pa.Array:
        if missing.any():
            values = pc.if_else(arrow(missing, pa.bool_()), text_scalar(None), values)
        for rows, text in texts:
            values = pc.if_else(arrow(rows, pa.bool_()), text_scalar(text), values)
        return values


class Rows:
    """The rows of a chunk: their simulated row numbers (`source`) and their numbers in the
    table's file order (`number`, from 0: the ids number rows by it)."""

    def __init__(self, source: np.ndarray, number: np.ndarray) -> None:
        self.source = source
        self.number = number
        self._taken: dict[int, np.ndarray | pa.Array] = {}

    def take(self, values: np.ndarray | pa.Array) -> np.ndarray | pa.Array:
        """values (over the simulated rows) at these rows; columns sharing an array take it once.
        The result is shared: copy it before changing it."""
        key = id(values)
        if key not in self._taken:
            self._taken[key] = (values.take(arrow(self.source, pa.int64())) if isinstance(values, pa.Array)
                                else values[self.source])
        return self._taken[key]


def row_number(rows: Rows) -> np.ndarray:
    """Column values: the row's number in the file (the table's own ids)."""
    return rows.number


@dataclass
class Column:
    """An output column: its values, over the simulated rows (numpy, or Arrow for Text) or as a
    function of the rows of a chunk (for values derived from other columns or from the row
    number), and how they are encoded."""

    values: np.ndarray | pa.Array | Callable[[Rows], np.ndarray]
    encoding: Encoding


@dataclass
class RawTable:
    """A raw table as simulated: its columns in contract order, when each row reaches the
    export, and the order of the rows in the file (default: as simulated)."""

    name: str
    columns: dict[str, Column]
    arrival_s: np.ndarray
    row_order: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        """Rows of the table (simulated rows that are not in row_order are not in the table)."""
        return self.arrival_s.size if self.row_order is None else self.row_order.size


def format_ids(prefix: str, numbers: np.ndarray, width: int, missing: np.ndarray | None = None) -> pa.Array:
    """prefix + zero-padded numbers (non-negative) as an Arrow string array, built in one buffer."""
    numbers = np.asarray(numbers, dtype=np.int64)
    n = numbers.size
    if n and numbers.max() >= 10**width:  # wider than width: printf keeps every digit
        digits = pc.utf8_lpad(pc.cast(arrow(numbers, pa.int64()), pa.string()), width, "0")
        return pc.if_else(arrow(missing if missing is not None else np.zeros(n, bool), pa.bool_()),
                          text_scalar(None), pc.binary_join_element_wise(text_scalar(prefix), digits, text_scalar("")))
    head = prefix.encode("utf-8")
    words = -(-width // 4)
    digits = np.empty((n, words), dtype="<u4")
    rest = numbers
    for word in range(words - 1, -1, -1):
        rest, four = np.divmod(rest, 10_000)
        digits[:, word] = _FOUR_DIGITS[four]
    row_bytes = len(head) + width
    text = np.empty((n, row_bytes), dtype=np.uint8)
    text[:, :len(head)] = np.frombuffer(head, dtype=np.uint8)
    text[:, len(head):] = digits.view(np.uint8).reshape(n, words * 4)[:, words * 4 - width:]
    large = (n + 1) * row_bytes >= 2**31
    offsets = np.arange(0, (n + 1) * row_bytes, row_bytes, dtype=np.int64 if large else np.int32)
    return pa.Array.from_buffers(pa.large_string() if large else pa.string(), n,
                                 [_validity(missing), pa.py_buffer(offsets), pa.py_buffer(text)])


def encode_chunk(table: RawTable, breaks: dict[str, list[tuple[int, Change]]], rows: Rows,
                 bad_kind: np.ndarray) -> pa.RecordBatch:
    """The rows of one chunk as Arrow, each bad row broken by its kind."""
    arrays = []
    for name, column in table.columns.items():
        values = column.values(rows) if callable(column.values) else rows.take(column.values)
        missing = np.zeros(rows.source.size, dtype=bool)
        texts: Texts = []
        changed = False
        for kind, change in breaks.get(name, []):
            broken = bad_kind == kind
            if not broken.any():
                continue
            if change is None:
                missing |= broken
            elif isinstance(change, str):
                texts.append((broken, change))
            else:
                if not changed:
                    values, changed = values.copy(), True
                values[broken] = change(values[broken]) if callable(change) else change
        arrays.append(column.encoding.encode(values, missing, texts))
    return pa.RecordBatch.from_arrays(arrays, names=list(table.columns))


class Exporter:
    """Writes raw tables into a folder. With more than one thread, a writer thread writes while
    the caller goes on: it encodes and writes a table in the background, or, in the pipeline,
    compresses and writes each chunk the caller encodes. close() waits for it."""

    def __init__(self, out: Path, file_format: str, threads: int | None) -> None:
        self.out = out
        self.file_format = file_format
        self.threads = threads
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="raw-writer") if threads != 1 else None
        self.pending: deque[tuple[Future, int]] = deque()  # tasks submitted, with the bytes they hold

    def write(self, table: RawTable, plan: BadRowPlan, export_end_s: float,
              background: bool = False) -> tuple[int, dict[str, int]]:
        """Writes the rows of table that arrived before export_end_s, duplicates of bad rows
        appended at the end: in the background (the writer thread encodes it too: for tables
        written while the caller simulates the next), or through the pipeline (the caller
        encodes, for the big table). Returns the number of rows and of bad rows per kind."""
        order = table.row_order if table.row_order is not None else np.arange(table.n_rows)
        kinds = [kind for kind, _ in BREAKS[table.name]]
        number = np.concatenate([np.arange(table.n_rows), plan.duplicate_of])
        copies = np.full(plan.duplicate_of.size, kinds.index(DUPLICATE) if DUPLICATE in kinds else -1, np.int8)
        bad_kind = np.concatenate([plan.kind_of_row, copies])
        source = order[number]
        arrived = table.arrival_s[source] < export_end_s
        source, number, bad_kind = source[arrived], number[arrived], bad_kind[arrived]
        counts = {kind: int((bad_kind == index).sum()) for index, kind in enumerate(kinds) if kind in plan.counts}

        for stale in self.out.glob(f"{table.name}.*"):
            stale.unlink()
        labels = [name for name, column in table.columns.items() if isinstance(column.encoding, Labels)]
        ordered = [name for name, column in table.columns.items()
                   if column.values is row_number or isinstance(column.encoding, (Timestamps, Dates))]
        sink = _Sink(self.out / f"{table.name}.{self.file_format}", self.file_format, self.threads, labels, ordered)
        breaks = changes_by_column(table.name, table.columns)
        bounds = [slice(start, start + ROW_GROUP_ROWS) for start in range(0, max(source.size, 1), ROW_GROUP_ROWS)]
        chunks = (encode_chunk(table, breaks, Rows(source[rows], number[rows]), bad_kind[rows])
                  for rows in bounds)  # encoded one by one, as they are written
        if background:
            self._submit(sink.write_all, chunks)
        else:
            for chunk in chunks:
                self._submit(sink.add, chunk)
            self._submit(sink.close)
        return int(source.size), counts

    def _submit(self, task: Callable[..., None], *args: pa.RecordBatch | Iterator[pa.RecordBatch]) -> None:
        """Runs task(*args) on the writer thread (at once without one). Waits first while the
        batches queued for it would exceed BYTES_IN_FLIGHT."""
        if self.pool is None:
            task(*args)
            return
        size = sum(arg.nbytes for arg in args if isinstance(arg, pa.RecordBatch))
        while self.pending and sum(held for _, held in self.pending) + size > BYTES_IN_FLIGHT:
            self.pending.popleft()[0].result()
        self.pending.append((self.pool.submit(task, *args), size))
        while self.pending and self.pending[0][0].done():
            self.pending.popleft()[0].result()  # raises the writer's error, if any

    def close(self) -> None:
        if self.pool is None:
            return
        try:
            while self.pending:
                self.pending.popleft()[0].result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


class _Sink:
    """One output file: Parquet row groups as chunks come, or CSV (through DuckDB) at the end."""

    def __init__(self, path: Path, file_format: str, threads: int | None, labels: list[str],
                 with_statistics: list[str]) -> None:
        self.path = path
        self.labels = labels
        self.with_statistics = with_statistics
        self.file_format = file_format
        self.threads = threads
        self.batches: list[pa.RecordBatch] = []
        self.parquet: pq.ParquetWriter | None = None

    def write_all(self, batches: Iterable[pa.RecordBatch]) -> None:
        for batch in batches:
            self.add(batch)
        self.close()

    def add(self, batch: pa.RecordBatch) -> None:
        if self.file_format == "csv":
            self.batches.append(batch)
            return
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.path, batch.schema, use_dictionary=self.labels,
                                            write_statistics=self.with_statistics, **PARQUET_OPTIONS)
        self.parquet.write_batch(batch, row_group_size=ROW_GROUP_ROWS)

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()
        if self.file_format != "csv":
            return
        import duckdb  # only for CSV (its import takes a tenth of a second)

        rows = pa.Table.from_batches(self.batches)
        with duckdb.connect() as con:
            con.execute("set TimeZone = 'UTC'")
            if self.threads:
                con.execute(f"set threads = {int(self.threads)}")
            con.register("raw_rows", rows)
            con.execute(f"copy (select * from raw_rows) to '{self.path}' ({CSV_OPTIONS})")
