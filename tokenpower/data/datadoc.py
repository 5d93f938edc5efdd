"""The "Data sources" and "Data fields" appendices, written from ``data/datapackage.json`` at build time.

The first describes every table (rows, licence, the sources its rows cite); the second lists every
table's fields with their types and units. They are two pages so that neither is too heavy to load.
"""

from __future__ import annotations

from tokenpower.data import DataPackage, package

__all__ = ["data_fields_markdown", "data_sources_markdown", "resource_summary"]


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def resource_summary(pkg: DataPackage | None = None) -> list[dict]:
    """One dict per resource: name, title, rows, description, licences, sources."""
    pkg = pkg or package()
    out = []
    for name in pkg.resource_names:
        res = pkg.resource(name)
        frame = pkg.load(name)
        licences = res.get("licenses") or pkg.descriptor.get("licenses", [])
        sources = sorted(set(frame["source"])) if "source" in frame else []
        low = frame[frame["confidence"] == "low"] if "confidence" in frame else frame.iloc[0:0]
        low_sources = sorted(set(low["source"])) if "source" in low else []
        out.append(
            {
                "name": name,
                "title": res.get("title", name),
                "rows": len(frame),
                "description": res.get("description", ""),
                "path": res["path"],
                "licences": ", ".join(lic.get("name", "") for lic in licences),
                "fields": pkg.schema(name)["fields"],
                "sources": sources,
                "low_rows": len(low),
                "low_sources": low_sources,
            }
        )
    return out


def _fields_table(res: dict, descriptions: bool = True) -> list[str]:
    if not descriptions:
        lines = ["| field | type | unit |\n|---|---|---|"]
        for field in res["fields"]:
            unit = field.get("unit") or (
                f"see `{field['unitField']}`" if field.get("unitField") else ""
            )
            lines.append(f"| `{field['name']}` | {field.get('type', 'string')} | {_cell(unit)} |")
        return lines
    lines = ["| field | type | unit | description |\n|---|---|---|---|"]
    for field in res["fields"]:
        unit = field.get("unit") or (
            f"see `{field['unitField']}`" if field.get("unitField") else ""
        )
        lines.append(
            f"| `{field['name']}` | {field.get('type', 'string')} | {_cell(unit)} | "
            f"{_cell(field.get('description', field.get('title', '')))} |"
        )
    return lines


def _heading(res: dict) -> str:
    return (
        f"**{_cell(res['title'])}** (`data/{res['path']}`, {res['rows']} rows, "
        f"licence {res['licences']})\n"
    )


def data_sources_markdown(pkg: DataPackage | None = None, fields: bool = True) -> str:
    """MyST Markdown describing every resource: rows, licence, sources and, with ``fields``, its fields."""
    parts = []
    for res in resource_summary(pkg):
        parts.append(_heading(res))
        parts.append(f"{res['description']}\n")
        if fields:
            parts.extend(_fields_table(res))
        if res["sources"]:
            cites = ", ".join(f"{{cite:t}}`{s}`" for s in res["sources"])
            parts.append(f"\nSources cited by its rows: {cites}.\n")
        if res["low_rows"]:
            cites = ", ".join(f"{{cite:t}}`{s}`" for s in res["low_sources"])
            parts.append(
                f"\n**Low-graded rows: {res['low_rows']} of {res['rows']}**, resting on {cites}. "
                "A figure the book takes from them is marked as low-graded where it is used.\n"
            )
        parts.append("")
    return "\n".join(parts)


def data_fields_markdown(pkg: DataPackage | None = None, descriptions: bool = True) -> str:
    """MyST Markdown listing every resource's fields: name, type, unit and (``descriptions``) what it holds."""
    parts = []
    for res in resource_summary(pkg):
        parts.append(_heading(res))
        parts.extend(_fields_table(res, descriptions))
        parts.append("")
    return "\n".join(parts)
