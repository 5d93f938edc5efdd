"""The book's own rules across rows and tables, as frictionless checks.

The schemas say what one cell may hold; these rules say what rows and tables
must agree on.  Each is a :class:`frictionless.Check` run on one resource by
frictionless's validator, with the other tables it needs (already validated
by the loader) handed to it; :func:`rule_problems` turns what frictionless
reports into the loader's :class:`~tokenpower.data.loader.Problem` (file,
row, column, rule), so ``check-data`` prints them with every other problem.

Where a rule needs a number or a permission, the schema declares it:

- ``greatCircleMultiple`` on a length field: the length of a cable must lie
  between ``minimum`` and ``maximum`` times the great-circle distance
  between its landings (rule ``cable-length``);
- ``sumsToAtMost`` on a share field, with ``partitionBy``: the shares of one
  group and period add up to at most that many per cent (plus
  ``roundingAllowance`` for shares rounded by the source) (rule ``share-sum``);
- ``allowsOther`` on a country field: it may hold the code ``XXX``
  ("other or unspecified"); no other field may (rule ``other-code``);
- ``oneUnitPer`` on a unit field: the rows of one quantity share one unit,
  so a unit changed on one row is caught even when it is a valid unit
  (rule ``unit-consistency``).

Rules without a schema property: every scenario value lies in its parameter's
declared type and range (``scenario-range``); a row's confidence is no higher
than its source's grade allows (``confidence-grade``); a dated row is not
dated after its source was published (``date-after-source``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import frictionless
from frictionless import Check, Checklist, Resource, errors

__all__ = [
    "OTHER_CODES",
    "rule_problems",
    "CableLength",
    "ConfidenceGrade",
    "DATE_FIELDS",
    "DateAfterSource",
    "EARTH_RADIUS_KM",
    "GRADE_CEILING",
    "KM_PER_NMI",
    "LEVEL",
    "OtherCode",
    "RULES",
    "ScenarioRange",
    "ShareSum",
    "UnitConsistency",
]

OTHER_CODES = frozenset({"XXX"})
"""Country codes that mean "other or unspecified" rather than a country."""

GRADE_CEILING = {"primary": "high", "secondary": "medium", "aggregator": "low", "book": "high"}
LEVEL = {"low": 1, "medium": 2, "high": 3}
EARTH_RADIUS_KM = 6371.0088
KM_PER_NMI = 1.852
DATE_FIELDS = ("date", "period_start", "period_end", "effective_date", "release_date", "seen_date")


class _BookCheck(Check):
    """A frictionless row check with the data package at hand; subclasses yield (column, message)."""

    Errors = [errors.CellError]

    def __init__(self, pkg, resource: str, schema: dict):
        super().__init__()
        self.pkg, self.resource_name, self.schema_descriptor = pkg, resource, schema

    def cell_error(self, row, column: str, message: str):
        return errors.CellError.from_row(row, note=f"{self.type}|{message}", field_name=column)

    def validate_row(self, row):
        for column, message in self.problems(row):
            yield self.cell_error(row, column, message)

    def problems(self, row):  # pragma: no cover - overridden
        return []


def _field(schema: dict, prop: str):
    return [f for f in schema["fields"] if prop in f]


def _great_circle_nmi(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    c = math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(lo2 - lo1)
    return math.acos(max(-1.0, min(1.0, c))) * EARTH_RADIUS_KM / KM_PER_NMI


class CableLength(_BookCheck):
    type = "cable-length"

    def __init__(self, pkg, resource, schema):
        super().__init__(pkg, resource, schema)
        hubs = pkg.load("telegraph_hubs").set_index("hub_id")
        self.hubs = {h: (r.latitude, r.longitude) for h, r in hubs.iterrows()}
        cables = pkg.load("telegraph_cables").set_index("cable_id")
        self.ends = {c: (r.from_hub, r.to_hub) for c, r in cables.iterrows()}
        self.fields = _field(schema, "greatCircleMultiple")

    def problems(self, row):
        ends = (
            (row["from_hub"], row["to_hub"])
            if "from_hub" in row
            else self.ends.get(row["cable_id"])
        )
        if ends is None or not all(e in self.hubs for e in ends):
            return
        distance = _great_circle_nmi(self.hubs[ends[0]], self.hubs[ends[1]])
        for field in self.fields:
            length = row[field["name"]]
            if length is None or distance == 0:
                continue
            length = float(length)
            lo, hi = (
                field["greatCircleMultiple"]["minimum"],
                field["greatCircleMultiple"]["maximum"],
            )
            ratio = length / distance
            if ratio < lo:
                yield (
                    field["name"],
                    (
                        f"{length:g} nmi is shorter than the {distance:,.0f} nmi great-circle distance "
                        f"{ends[0]}-{ends[1]} (a unit misread, e.g. statute for nautical miles?)"
                    ),
                )
            elif ratio > hi:
                yield (
                    field["name"],
                    (
                        f"{length:g} nmi is {ratio:.1f} times the {distance:,.0f} nmi great-circle distance "
                        f"{ends[0]}-{ends[1]}, more than the {hi:g} times the schema allows"
                    ),
                )


class ShareSum(_BookCheck):
    """Shares of one partition add up to at most ``sumsToAtMost``; reported at the row that passes it."""

    type = "share-sum"

    def __init__(self, pkg, resource, schema):
        super().__init__(pkg, resource, schema)
        self.fields = _field(schema, "sumsToAtMost")
        self.totals: dict = defaultdict(float)

    def problems(self, row):
        for field in self.fields:
            value = row[field["name"]]
            if value is None:
                continue
            value = float(value)
            key = (field["name"], *(row[c] for c in field["partitionBy"]))
            before = self.totals[key]
            self.totals[key] = total = before + value
            limit = field["sumsToAtMost"] + field.get("roundingAllowance", 0)
            if total > limit >= before:
                group = ", ".join(
                    f"{c}={row[c]}" for c in field["partitionBy"] if row[c] is not None
                )
                yield (
                    field["name"],
                    (
                        f"the shares of one group and period ({group}) add up to {total:g} % with this row, "
                        f"more than {field['sumsToAtMost']:g} %"
                    ),
                )


class OtherCode(_BookCheck):
    type = "other-code"

    def __init__(self, pkg, resource, schema):
        super().__init__(pkg, resource, schema)
        country_fks = {
            fk["fields"]
            for fk in schema.get("foreignKeys", [])
            if fk["reference"]["resource"] == "countries" and isinstance(fk["fields"], str)
        }
        self.fields = [
            f["name"]
            for f in schema["fields"]
            if f["name"] in country_fks and not f.get("allowsOther")
        ]

    def problems(self, row):
        for name in self.fields:
            if row[name] in OTHER_CODES:
                yield (
                    name,
                    (
                        f"{row[name]!r} means 'other or unspecified'; this column needs a real country "
                        "(only fields whose schema says allowsOther may hold it)"
                    ),
                )


class UnitConsistency(_BookCheck):
    type = "unit-consistency"

    def __init__(self, pkg, resource, schema):
        super().__init__(pkg, resource, schema)
        self.fields = _field(schema, "oneUnitPer")
        self.seen: dict = {}

    def problems(self, row):
        for field in self.fields:
            unit = row[field["name"]]
            key = (field["name"], *(row[c] for c in field["oneUnitPer"]))
            if unit is None:
                continue
            first = self.seen.setdefault(key, (unit, row.row_number - 1))
            if first[0] != unit:
                what = ", ".join(f"{c} {row[c]!r}" for c in field["oneUnitPer"])
                yield (
                    field["name"],
                    (
                        f"unit {unit!r}, but row {first[1]} gives {first[0]!r} for the same {what}: "
                        "one quantity is stored in one unit"
                    ),
                )


class ScenarioRange(_BookCheck):
    type = "scenario-range"

    def __init__(self, pkg, resource, schema):
        super().__init__(pkg, resource, schema)
        params = pkg.load("scenario_parameters").set_index("parameter")
        self.params = params

    def problems(self, row):
        name, value = row["parameter"], row["value"]
        if name not in self.params.index or value is None:
            return
        p = self.params.loc[name]
        kind = p["type"]
        if kind in ("number", "integer"):
            try:
                number = float(value)
            except ValueError:
                yield "value", f"{value!r} is not a number, as parameter {name!r} requires"
                return
            if kind == "integer" and not number.is_integer():
                yield "value", f"{value!r} is not an integer, as parameter {name!r} requires"
            lo, hi = p["min"], p["max"]
            unit = f" {p['unit']}" if isinstance(p["unit"], str) else ""
            if (lo == lo and number < float(lo)) or (hi == hi and number > float(hi)):
                yield (
                    "value",
                    (
                        f"{value}{unit} is outside the declared range of {name!r} "
                        f"({float(lo):g} to {float(hi):g}{unit}, scenario_parameters.csv)"
                    ),
                )
        elif kind == "choice":
            choices = str(p["choices"]).split(";")
            if str(value) not in choices:
                yield (
                    "value",
                    f"{value!r} is not one of {', '.join(choices)}, as parameter {name!r} requires",
                )
        elif kind == "boolean" and str(value) not in ("true", "false"):
            yield "value", f"{value!r} is not true or false, as parameter {name!r} requires"


class ConfidenceGrade(_BookCheck):
    type = "confidence-grade"

    def __init__(self, pkg, resource, schema):
        super().__init__(pkg, resource, schema)
        sources = pkg.load("sources").set_index("id")
        self.grade = sources["grade"].to_dict()

    def problems(self, row):
        source, conf = row["source"], row["confidence"]
        grade = self.grade.get(source)
        if grade is None or conf is None:
            return
        ceiling = GRADE_CEILING[grade]
        if LEVEL[conf] > LEVEL[ceiling]:
            yield (
                "confidence",
                (
                    f"{conf!r}, but source {source!r} is graded {grade!r}, which allows at most "
                    f"{ceiling!r} (data/README.md, confidence rubric)"
                ),
            )


class DateAfterSource(_BookCheck):
    type = "date-after-source"

    def __init__(self, pkg, resource, schema):
        super().__init__(pkg, resource, schema)
        sources = pkg.load("sources").set_index("id")
        self.year = {i: int(y) for i, y in sources["year"].dropna().items()}
        self.kind = sources["kind"].to_dict()
        names = {f["name"] for f in schema["fields"] if f.get("type") == "date"}
        self.fields = [n for n in DATE_FIELDS if n in names]

    def problems(self, row):
        source = row["source"]
        year = self.year.get(source)
        if year is None or self.kind.get(source) in ("assumption", "derived"):
            return
        for name in self.fields:
            value = row[name]
            if isinstance(value, dt.date) and value.year > year:
                yield (
                    name,
                    (
                        f"{value} is after the year its source {source!r} was published ({year}): "
                        "a source cannot report a later date"
                    ),
                )


def _applies(cls, schema: dict, resource: str) -> bool:
    names = {f["name"] for f in schema["fields"]}
    if cls is CableLength:
        return bool(_field(schema, "greatCircleMultiple"))
    if cls is ShareSum:
        return bool(_field(schema, "sumsToAtMost"))
    if cls is UnitConsistency:
        return bool(_field(schema, "oneUnitPer"))
    if cls is ScenarioRange:
        return resource == "scenarios"
    if cls is OtherCode:
        return any(
            fk["reference"]["resource"] == "countries" for fk in schema.get("foreignKeys", [])
        )
    if cls is ConfidenceGrade:
        return {"source", "confidence"} <= names and resource != "sources"
    if cls is DateAfterSource:
        return "source" in names and any(
            f.get("type") == "date" and f["name"] in DATE_FIELDS for f in schema["fields"]
        )
    return False


RULES = (
    CableLength,
    ShareSum,
    OtherCode,
    UnitConsistency,
    ScenarioRange,
    ConfidenceGrade,
    DateAfterSource,
)


def rule_problems(pkg, name: str, problem_cls) -> list:
    """The book's rules for resource ``name`` of ``pkg``, run by frictionless; a list of Problems."""
    schema = pkg.schema(name)
    checks = [cls(pkg, name, schema) for cls in RULES if _applies(cls, schema, name)]
    if not checks:
        return []
    descriptor = {k: v for k, v in schema.items() if k != "foreignKeys"}
    path = pkg.path(name)
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=frictionless.Schema.from_descriptor(descriptor),
    )
    report = resource.validate(checklist=Checklist(checks=checks))
    file = pkg._rel(pkg.path(name))
    problems = []
    for task in report.tasks:
        for error in task.errors:
            rule, _, message = (error.note or "").partition("|")
            if error.type == "cell-error" and message:
                row = error.row_number - 1
                problems.append(problem_cls(file, row, error.field_name, rule, message))
            elif not isinstance(error, (errors.CellError, errors.RowError)):
                # cell and row errors of the schema are the loader's, in its own words
                problems.append(problem_cls(file, None, None, "frictionless", error.message))
    return problems
