"""Load and validate the book's data package.

Every table the book uses is a resource of ``data/datapackage.json`` (a
Frictionless Data Package): a CSV file and a Table Schema.  This module is the
only place that reads those files.  :func:`load` returns a typed
:class:`pandas.DataFrame` or raises :class:`DataError`, which names the file,
the row, the column and the rule of every problem it found.  Nothing is
coerced silently and no partial table is ever returned.

Example
-------
>>> from tokenpower.data import load
>>> hubs = load("countries")
>>> hubs.loc[hubs.code == "GBR", "name"].item()
'United Kingdom'
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pandas as pd
from frictionless import Detector, Dialect, Resource, Schema, errors

__all__ = [
    "DATA_DIR",
    "DataError",
    "DataPackage",
    "Problem",
    "load",
    "package",
    "validate_all",
    "CONFIDENCE_LEVELS",
    "TYPES",
    "NUMERIC_TYPES",
    "UNSOURCED_RESOURCES",
]

_CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"
DATA_DIR = (
    _CHECKOUT_DATA
    if (_CHECKOUT_DATA / "datapackage.json").exists()
    else Path(__file__).resolve().parents[1] / "_data"
)
"""The data folder: this checkout's ``data/``, or the copy a non-editable install ships as
``tokenpower/_data`` (override either with ``TOKENPOWER_DATA_DIR``)."""

CONFIDENCE_LEVELS = ("high", "medium", "low")
TYPES = ("string", "integer", "number", "boolean", "date", "year")
NUMERIC_TYPES = ("integer", "number")
# Resources that are reference lists rather than facts still carry a source,
# but the package-wide rule "every row of fact has source and confidence"
# does not apply to the sources table itself.
UNSOURCED_RESOURCES = {"sources"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible.

    ``row`` counts data rows from 1 (the header is line 1, so row ``n`` is on
    line ``n + 1`` of the file); it is ``0`` for the header row and ``None``
    for problems of the whole file or schema.  ``column`` is ``None`` for problems of a whole row or file.
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row == 0:
            where.append("header (line 1)")
        elif self.row is not None:
            where.append(f"row {self.row} (line {self.row + 1})")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message} [{self.rule}]"


class DataError(ValueError):
    """Raised when a resource does not match its schema; lists every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        head = f"{len(lines)} data problem{'s' if len(lines) != 1 else ''}:"
        super().__init__("\n".join([head, *lines]))


@dataclass
class _Table:
    """A resource read from disk: its raw cells and their typed values."""

    name: str
    file: str
    schema: dict
    columns: dict[str, list]  # typed values, one list per field
    nrows: int


class DataPackage:
    """The data package in one folder: descriptors, schemas and tables."""

    def __init__(self, data_dir: str | os.PathLike | None = None):
        self.data_dir = Path(data_dir or os.environ.get("TOKENPOWER_DATA_DIR") or DATA_DIR)
        self.descriptor_path = self.data_dir / "datapackage.json"
        self._descriptor: dict | None = None
        self._tables: dict[str, tuple[_Table | None, list[Problem]]] = {}

    # -- descriptors -----------------------------------------------------
    @property
    def descriptor(self) -> dict:
        if self._descriptor is None:
            try:
                text = self.descriptor_path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise DataError(
                    [
                        Problem(
                            self._rel(self.descriptor_path),
                            None,
                            None,
                            "missing-file",
                            "the data package descriptor does not exist",
                        )
                    ]
                ) from None
            try:
                self._descriptor = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DataError(
                    [
                        Problem(
                            self._rel(self.descriptor_path),
                            None,
                            None,
                            "json",
                            f"not valid JSON: {exc}",
                        )
                    ]
                ) from None
        return self._descriptor

    @property
    def resource_names(self) -> list[str]:
        return [r["name"] for r in self.descriptor.get("resources", [])]

    def resource(self, name: str) -> dict:
        for res in self.descriptor.get("resources", []):
            if res.get("name") == name:
                return res
        known = ", ".join(sorted(self.resource_names))
        raise KeyError(f"unknown data resource {name!r}; the data package has: {known}")

    def schema(self, name: str) -> dict:
        res = self.resource(name)
        schema = res.get("schema")
        if isinstance(schema, str):
            path = self.data_dir / schema
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise DataError(
                    [
                        Problem(
                            self._rel(path),
                            None,
                            None,
                            "missing-file",
                            f"the schema of resource '{name}' does not exist",
                        )
                    ]
                ) from None
            except json.JSONDecodeError as exc:
                raise DataError(
                    [Problem(self._rel(path), None, None, "json", f"not valid JSON: {exc}")]
                ) from None
        if not isinstance(schema, dict):
            raise DataError(
                [
                    Problem(
                        self._rel(self.descriptor_path),
                        None,
                        None,
                        "schema",
                        f"resource '{name}' has no schema",
                    )
                ]
            )
        return schema

    def path(self, name: str) -> Path:
        return self.data_dir / self.resource(name)["path"]

    def _rel(self, path: Path) -> str:
        try:
            return str(Path("data") / path.relative_to(self.data_dir))
        except ValueError:
            return str(path)

    # -- reading ---------------------------------------------------------
    def _read(self, name: str) -> tuple[_Table | None, list[Problem]]:
        """Read and check one resource on its own (no foreign keys)."""
        if name in self._tables:
            return self._tables[name]
        schema = self.schema(name)
        path = self.path(name)
        file = self._rel(path)
        problems = _check_schema(
            schema,
            file=self._rel(self.data_dir / str(self.resource(name).get("schema"))),
            resource=name,
        )
        if problems:
            result = (None, problems)
            self._tables[name] = result
            return result
        table, more = _read_table(name, path, file, schema)
        self._tables[name] = (table, more)
        return table, more

    def problems(self, name: str, check_foreign_keys: bool = True) -> list[Problem]:
        """Every problem of one resource, including its foreign keys."""
        table, problems = self._read(name)
        if table is None or problems:
            return problems
        if check_foreign_keys:
            problems = problems + self._foreign_key_problems(table)
        return problems

    def _foreign_key_problems(self, table: _Table) -> list[Problem]:
        problems: list[Problem] = []
        for fk in table.schema.get("foreignKeys", []):
            fields = _as_list(fk["fields"])
            ref = fk["reference"]
            ref_name = ref.get("resource") or table.name
            ref_fields = _as_list(ref["fields"])
            if ref_name == table.name:
                target = table
            else:
                try:
                    target, target_problems = self._read(ref_name)
                except KeyError:
                    problems.append(
                        Problem(
                            table.file,
                            None,
                            ",".join(fields),
                            "foreign-key",
                            f"refers to resource '{ref_name}', which the data package does not list",
                        )
                    )
                    continue
                if target is None or target_problems:
                    problems.append(
                        Problem(
                            table.file,
                            None,
                            ",".join(fields),
                            "foreign-key",
                            f"cannot check against resource '{ref_name}', which has problems of its own",
                        )
                    )
                    continue
            missing = [f for f in ref_fields if f not in target.columns]
            if missing:
                problems.append(
                    Problem(
                        table.file,
                        None,
                        ",".join(fields),
                        "foreign-key",
                        f"resource '{ref_name}' has no field {', '.join(missing)}",
                    )
                )
                continue
            keys = set(zip(*(target.columns[f] for f in ref_fields), strict=False))
            for i, values in enumerate(
                zip(*(table.columns[f] for f in fields), strict=False), start=1
            ):
                if any(v is None for v in values):
                    continue
                if values not in keys:
                    shown = values[0] if len(values) == 1 else values
                    problems.append(
                        Problem(
                            table.file,
                            i,
                            ",".join(fields),
                            "foreign-key",
                            f"{shown!r} is not a {'/'.join(ref_fields)} of resource '{ref_name}'",
                        )
                    )
        return problems

    def validate_all(self) -> list[Problem]:
        """Every problem in the package: descriptor, schemas, tables and keys."""
        problems: list[Problem] = []
        try:
            names = self.resource_names
        except DataError as exc:
            return exc.problems
        seen = set()
        for name in names:
            if name in seen:
                problems.append(
                    Problem(
                        self._rel(self.descriptor_path),
                        None,
                        None,
                        "descriptor",
                        f"resource '{name}' is listed twice",
                    )
                )
            seen.add(name)
            try:
                problems.extend(self.problems(name))
            except DataError as exc:
                problems.extend(exc.problems)
        # the book's rules across rows and tables (frictionless checks), on every sound table
        # whose context tables are sound too (a broken context table is reported already)
        from tokenpower.data.rules import rule_problems

        broken = {p.file for p in problems}
        for name in names:
            if self._rel(self.path(name)) in broken:
                continue
            try:
                problems.extend(rule_problems(self, name, Problem))
            except DataError:
                continue
        listed = {Path(self.resource(n)["path"]).name for n in names}
        for csv_path in sorted(self.data_dir.glob("*.csv")):
            if csv_path.name not in listed:
                problems.append(
                    Problem(
                        self._rel(csv_path),
                        None,
                        None,
                        "descriptor",
                        "this CSV file is not a resource of datapackage.json",
                    )
                )
        return problems

    def load(self, name: str) -> pd.DataFrame:
        """The resource ``name`` as a typed DataFrame, or :class:`DataError`."""
        problems = self.problems(name)
        if problems:
            raise DataError(problems)
        table, _ = self._read(name)
        return _to_frame(table)


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _check_schema(schema: dict, file: str, resource: str) -> list[Problem]:
    """Rules for the schemas themselves, so every table is documented alike."""
    problems = []
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [Problem(file, None, None, "schema", "the schema has no fields")]
    names = [f.get("name") for f in fields]
    for field in fields:
        name = field.get("name")
        ftype = field.get("type", "string")
        if ftype not in TYPES:
            problems.append(
                Problem(
                    file, None, name, "schema", f"type '{ftype}' is not one of {', '.join(TYPES)}"
                )
            )
        unit_field = field.get("unitField")
        if ftype in NUMERIC_TYPES and not field.get("unit") and not unit_field:
            problems.append(
                Problem(
                    file,
                    None,
                    name,
                    "schema",
                    "a numeric field must name its unit ('unit', or 'unitField' naming the column that holds it)",
                )
            )
        if unit_field and unit_field not in names:
            problems.append(
                Problem(
                    file,
                    None,
                    name,
                    "schema",
                    f"unitField '{unit_field}' is not a field of the schema",
                )
            )
    if resource not in UNSOURCED_RESOURCES:
        for required in ("source", "confidence"):
            if required not in names:
                problems.append(
                    Problem(
                        file,
                        None,
                        required,
                        "schema",
                        f"every row of fact needs a '{required}' field",
                    )
                )
        conf = next((f for f in fields if f.get("name") == "confidence"), None)
        if conf is not None and sorted(conf.get("constraints", {}).get("enum", [])) != sorted(
            CONFIDENCE_LEVELS
        ):
            problems.append(
                Problem(
                    file,
                    None,
                    "confidence",
                    "schema",
                    "confidence must be constrained to high, medium, low",
                )
            )
        src = next((f for f in fields if f.get("name") == "source"), None)
        if src is not None and not src.get("constraints", {}).get("required"):
            problems.append(Problem(file, None, "source", "schema", "source must be required"))
        fks = [fk for fk in schema.get("foreignKeys", []) if _as_list(fk["fields"]) == ["source"]]
        if "source" in names and not fks:
            problems.append(
                Problem(
                    file,
                    None,
                    "source",
                    "schema",
                    "source must be a foreign key to resource 'sources'",
                )
            )
    for key in _as_list(schema.get("primaryKey", [])):
        if key not in names:
            problems.append(
                Problem(file, None, key, "schema", "primary key field is not in the schema")
            )
    return problems


def _read_table(
    name: str, path: Path, file: str, schema: dict
) -> tuple[_Table | None, list[Problem]]:
    """Read one resource: file-level checks here, every cell, row and key rule by frictionless."""
    if not path.exists():
        return None, [Problem(file, None, None, "missing-file", "the file does not exist")]
    raw = path.read_bytes()
    if not raw.strip():
        return None, [
            Problem(file, None, None, "empty-file", "the file is empty: it has no header row")
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(file, None, None, "encoding", f"not UTF-8: {exc}")]
    try:
        rows = list(csv.reader(text.splitlines(), strict=True))
    except csv.Error as exc:
        return None, [Problem(file, None, None, "csv", f"malformed CSV: {exc}")]
    header_problems = _header_problems(file, rows[0], [f["name"] for f in schema["fields"]])
    if header_problems:
        return None, header_problems
    lengths = [len(r) for r in rows]
    descriptor = _strict(schema)
    columns: dict[str, list] = {f["name"]: [] for f in schema["fields"]}
    kinds = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    found: list = []
    # one pass of frictionless's row stream: typed cells, and its errors (labels, cells, types,
    # constraints, unique values and the primary key) for every row
    with Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(descriptor),
        dialect=Dialect(comment_char=None),
        detector=Detector(schema_sync=False),
    ) as resource:
        found.extend(resource.header.errors)
        for row in resource.row_stream:
            found.extend(row.errors)
            found.extend(_hygiene(row))
            for field_name, values in columns.items():
                values.append(_python_value(row[field_name], kinds[field_name]))
    problems = _from_frictionless(found, file, schema, lengths)
    if problems:
        return None, problems
    return _Table(name, file, schema, columns, len(rows) - 1), []


def _strict(schema: dict) -> dict:
    """The schema for frictionless, without foreign keys (checked across tables by the loader) and
    with the data README's strict booleans, spelt true or false (frictionless's numbers are bare
    by default: no currency or percent signs)."""
    fields = []
    for field in schema["fields"]:
        field = dict(field)
        if field.get("type") == "boolean":
            field["trueValues"], field["falseValues"] = (
                ["true", "True", "TRUE"],
                ["false", "False", "FALSE"],
            )
        fields.append(field)
    return {**{k: v for k, v in schema.items() if k != "foreignKeys"}, "fields": fields}


def _header_problems(file: str, header: list[str], expected: list[str]) -> list[Problem]:
    """Columns by name (frictionless compares labels by position, so one missing column would
    read as every later column misnamed)."""
    problems = [
        Problem(
            file, 0, col, "missing-column", "the schema requires this column but the file has none"
        )
        for col in expected
        if col not in header
    ] + [
        Problem(
            file, 0, col, "extra-column", "the file has a column that the schema does not define"
        )
        for col in header
        if col not in expected
    ]
    if not problems and header != expected:
        problems.append(
            Problem(
                file,
                0,
                None,
                "column-order",
                f"columns are {header} but the schema orders them {expected}",
            )
        )
    return problems


def _python_value(value, ftype: str):
    """A frictionless cell as the plain Python value the frames are built from."""
    if value is None:
        return None
    if ftype == "number":
        return float(value)
    if ftype in ("integer", "year"):
        return int(value)
    return value


def _hygiene(row):
    """The book's cell rules that frictionless has not: no padding spaces, finite numbers."""
    for name in row.field_names:
        value = row[name]
        if isinstance(value, str) and value != value.strip():
            note = f"whitespace|{value!r} has leading or trailing spaces"
            yield errors.CellError.from_row(row, note=note, field_name=name)
        elif isinstance(value, Decimal) and not value.is_finite():
            yield errors.CellError.from_row(
                row, note=f"type|{value} is not a finite number", field_name=name
            )


_EXPECTED = {
    "date": "a date (YYYY-MM-DD)",
    "year": "a year (YYYY)",
    "boolean": "true or false",
    "integer": "an integer",
    "number": "a number",
}
_POSITION = re.compile(r"position (\d+)")


def _from_frictionless(found: list, file: str, schema: dict, lengths: list[int]) -> list[Problem]:
    """Frictionless's errors for one resource, as Problems worded like the rest of check-data."""
    fields = {f["name"]: f for f in schema["fields"]}
    expected = list(fields)
    problems: list[Problem] = []
    short_rows: set[int] = set()
    for error in found:
        kind = error.type
        row = getattr(error, "row_number", None)
        row = None if row is None else row - 1
        column = getattr(error, "field_name", None) or getattr(error, "label", None) or None
        cell = getattr(error, "cell", None)
        field = fields.get(column, {})
        unit = f" {field['unit']}" if field.get("unit") else ""
        if kind == "missing-label":
            problems.append(
                Problem(
                    file,
                    0,
                    column,
                    "missing-column",
                    "the schema requires this column but the file has none",
                )
            )
        elif kind == "extra-label":
            problems.append(
                Problem(
                    file,
                    0,
                    column,
                    "extra-column",
                    "the file has a column that the schema does not define",
                )
            )
        elif kind in ("incorrect-label", "duplicate-label", "blank-label"):
            if not any(p.rule == "column-order" for p in problems):
                header = getattr(error, "labels", None)
                problems.append(
                    Problem(
                        file,
                        0,
                        None,
                        "column-order",
                        f"columns are {header} but the schema orders them {expected}",
                    )
                )
        elif kind in ("missing-cell", "extra-cell"):
            if row not in short_rows:
                short_rows.add(row)
                problems.append(
                    Problem(
                        file,
                        row,
                        None,
                        "row-length",
                        f"the row has {lengths[row]} cells but the header has {lengths[0]}",
                    )
                )
        elif kind == "blank-row":
            problems.append(Problem(file, row, None, "blank-row", "the row is empty"))
        elif kind == "type-error":
            expect = _EXPECTED.get(field.get("type"), field.get("type"))
            real = (
                " real calendar date"
                if field.get("type") == "date" and _looks_like_date(cell)
                else ""
            )
            message = f"{cell!r} is not a{real}" if real else f"{cell!r} is not {expect}"
            problems.append(Problem(file, row, column, "type", message))
        elif kind == "constraint-error":
            rule = (error.note or "").split('"')[1] if '"' in (error.note or "") else "constraint"
            cons = field.get("constraints", {})
            if rule == "required":
                message = "a value is required"
            elif rule == "enum":
                message = f"{cell!r} is not one of: {', '.join(map(str, cons['enum']))}"
            elif rule == "pattern":
                message = f"{cell!r} does not match the pattern {cons['pattern']}"
            elif rule in ("minimum", "maximum"):
                word = "below the minimum" if rule == "minimum" else "above the maximum"
                message = f"{cell}{unit} is {word} {cons[rule]}{unit}"
            else:
                message = error.note
            problems.append(Problem(file, row, column, rule, message))
        elif kind == "unique-error":
            first = _POSITION.search(error.note or "")
            where = f"row {int(first.group(1)) - 1}" if first else "another row"
            problems.append(
                Problem(
                    file, row, column, "unique", f"{cell!r} repeats {where}; values must be unique"
                )
            )
        elif kind == "primary-key":
            key = _as_list(schema.get("primaryKey", []))
            first = _POSITION.search(error.note or "")
            where = f"row {int(first.group(1)) - 1}" if first else "another row"
            problems.append(
                Problem(
                    file, row, ",".join(key), "primary-key", f"the key repeats the key of {where}"
                )
            )
        elif kind == "cell-error" and "|" in (error.note or ""):
            rule, _, message = error.note.partition("|")
            problems.append(Problem(file, row, column, rule, message))
        else:
            problems.append(Problem(file, row, column, kind, error.message))
    return problems


def _looks_like_date(cell) -> bool:
    return isinstance(cell, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell) is not None


def _to_frame(table: _Table) -> pd.DataFrame:
    data = {}
    for field in table.schema["fields"]:
        name, ftype = field["name"], field.get("type", "string")
        values = table.columns[name]
        if ftype in ("integer", "year"):
            data[name] = pd.array(values, dtype="Int64")
        elif ftype == "number":
            data[name] = pd.array([math.nan if v is None else v for v in values], dtype="float64")
        elif ftype == "boolean":
            data[name] = pd.array(values, dtype="boolean")
        elif ftype == "date":
            data[name] = pd.to_datetime(pd.Series(values, dtype="object"))
        else:
            data[name] = pd.array(values, dtype="str")
    frame = pd.DataFrame(data)
    frame.attrs["resource"] = table.name
    frame.attrs["units"] = {f["name"]: f["unit"] for f in table.schema["fields"] if f.get("unit")}
    return frame


@lru_cache(maxsize=4)
def _package(data_dir: str, stamp: float) -> DataPackage:
    return DataPackage(data_dir)


def _stamp(data_dir: Path) -> float:
    """Latest modification time in the data folder, so edits are picked up."""
    return max((p.stat().st_mtime_ns for p in data_dir.rglob("*") if p.is_file()), default=0)


def package(data_dir: str | os.PathLike | None = None) -> DataPackage:
    """The (cached) data package of ``data_dir`` or of this checkout."""
    path = Path(data_dir or os.environ.get("TOKENPOWER_DATA_DIR") or DATA_DIR).resolve()
    return _package(str(path), _stamp(path))


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load resource ``name`` as a typed DataFrame validated against its schema.

    Integer and year fields are nullable ``Int64``, numbers ``float64`` (NaN
    where missing), booleans ``boolean``, dates ``datetime64`` and strings
    ``str``.  The frame's ``attrs['units']`` maps numeric columns to units.

    Raises :class:`DataError` naming file, row, column and rule of every
    problem, and :class:`KeyError` listing the resources for an unknown name.
    """
    return package(data_dir).load(name).copy()


def validate_all(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Every problem in the data package (an empty list when all is well)."""
    return DataPackage(data_dir).validate_all()
