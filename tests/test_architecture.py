"""The package's layers: imports point one way, and the book machinery stays out of the package.

The order of the layers is the one the README's architecture section gives:
``data`` -> ``charts`` -> ``models`` -> ``engine`` -> ``policies`` -> ``synthesis`` -> ``pages``;
a module may import its own layer and the layers before it, never a later one, and nothing in
:mod:`tokenpower` imports :mod:`tokenpower_book` (the one exception is ``tokenpower/__main__.py``,
the ``python -m tokenpower`` entry point, which no chapter imports).
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["data", "charts", "models", "engine", "policies", "synthesis", "pages"]


def _modules(package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(path: Path) -> set[str]:
    """Every tokenpower or tokenpower_book module a file imports (also inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.split(".")[0] in ("tokenpower", "tokenpower_book")}


MODULES = {**_modules("tokenpower"), **_modules("tokenpower_book")}


def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for target in _imports(path):
            if target in MODULES and target != name:
                graph.add_edge(name, target)
    return graph


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "tokenpower" or len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(parts[1])


def test_the_module_graph_is_read():
    # a sanity check that the parser sees real imports: the data layer's package re-exports its loader
    assert "tokenpower.data.loader" in _graph().successors("tokenpower.data")


def test_no_import_cycles():
    cycles = list(nx.simple_cycles(_graph()))
    assert cycles == [], f"import cycles: {cycles}"


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if n.startswith("tokenpower.") or n == "tokenpower")
)
def test_the_package_never_imports_the_book_machinery(name):
    if name == "tokenpower.__main__":
        pytest.skip("the command-line entry point")
    assert not {t for t in _imports(MODULES[name]) if t.startswith("tokenpower_book")}


def test_imports_point_down_the_layers():
    wrong = []
    for source, target in _graph().edges:
        low, high = _layer(source), _layer(target)
        if low is not None and high is not None and high > low:
            wrong.append(f"{source} -> {target}")
    assert wrong == []


def test_a_layer_violation_would_be_seen():
    # the rule itself, on a made-up edge: engine importing synthesis points up
    assert _layer("tokenpower.synthesis.claims") > _layer("tokenpower.engine")


def _public_definitions(path: Path) -> set[str]:
    """Functions, classes and UPPER_CASE constants a module defines at its top level."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper())
    return {n for n in names if not n.startswith("_")}


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.endswith("__main__")))
def test_all_names_exactly_what_a_module_offers(name):
    module = importlib.import_module(name)
    public = _public_definitions(MODULES[name])
    listed = getattr(module, "__all__", None)
    if listed is None:
        assert public == set(), f"{name} defines {sorted(public)} but has no __all__"
        return
    assert len(listed) == len(set(listed)), f"{name}.__all__ names something twice"
    assert [n for n in listed if not hasattr(module, n)] == [], f"{name}.__all__ names nothing"
    assert sorted(public - set(listed)) == [], f"{name} defines names its __all__ leaves out"


def test_public_definitions_are_read():
    assert {"glue"} <= _public_definitions(MODULES["tokenpower.pages"])
    assert "_escape" not in _public_definitions(MODULES["tokenpower.data.bibliography"])


def _third_party_imports() -> dict[str, str]:
    """Top-level modules outside the standard library that the two packages import -> a file."""
    found = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top not in sys.stdlib_module_names and top not in (
                    "tokenpower",
                    "tokenpower_book",
                ):
                    found.setdefault(top, name)
    return found


def test_pyproject_lists_every_distribution_the_package_imports():
    declared = {
        re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0].lower().replace("_", "-")
        for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    owners = importlib.metadata.packages_distributions()
    missing = []
    for top, module in sorted(_third_party_imports().items()):
        dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
        if not dists & declared:
            missing.append(f"{top} (imported by {module}, from {', '.join(sorted(dists))})")
    assert missing == []
    assert {"myst-nb", "pandas"} <= declared  # the parser reads real names


def test_the_default_run_collects_the_docstrings_examples():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in options["addopts"].split()
    paths = [ROOT / p for p in options["testpaths"]]
    with_examples = [
        name for name, path in MODULES.items() if ">>> " in path.read_text(encoding="utf-8")
    ]
    assert "tokenpower.pages.words" in with_examples  # the scan sees real examples
    outside = [n for n in with_examples if not any(MODULES[n].is_relative_to(p) for p in paths)]
    assert outside == []


# Documents the project keeps outside this repository, which no reader of it can open.
OUTSIDE_DOCUMENTS = re.compile(
    "|".join(
        [
            r"fact[ _-]?sheet",
            r"design[ _-]note",
            r"\.\./shared",
            r"(?<![\w-])(?:MODEL|ARCHITECTURE|GUIDE)\.md\b",
            r"\bfacts-[a-z]+\.md\b",
        ]
    ),
    re.IGNORECASE,
)


def _repository_texts() -> dict[str, str]:
    paths = [*MODULES.values(), *sorted((ROOT / "tests").glob("*.py"))]
    paths += [ROOT / n for n in ("README.md", "pyproject.toml", "Makefile", "setup.py")]
    paths.append(ROOT / "data" / "README.md")
    paths += sorted((ROOT / "book").glob("*.md"))  # the pages a reader reads
    this = Path(__file__).resolve()
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths if p != this}


def test_code_docstrings_readmes_and_pages_cite_only_documents_in_the_repository():
    found = [
        f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for name, text in _repository_texts().items()
        for m in OUTSIDE_DOCUMENTS.finditer(text)
    ]
    assert found == []


def test_an_outside_document_would_be_seen():
    assert OUTSIDE_DOCUMENTS.search("see the design note, section 3")
    assert OUTSIDE_DOCUMENTS.search("as in ../shared/MODEL.md")
    assert not OUTSIDE_DOCUMENTS.search("the data README (data/README.md)")


def _returns(function: ast.FunctionDef) -> list[int]:
    """Lines of the ``return`` statements of ``function`` itself (not of functions inside it)."""
    found, todo = [], list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            found.append(node.lineno)
        todo.extend(ast.iter_child_nodes(node))
    return found


def _property_tests(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and any(
            ast.unparse(d).startswith(("given(", "hypothesis.given(")) for d in node.decorator_list
        ):
            yield node


def test_property_tests_skip_examples_with_assume_never_return():
    # an early return passes an example that checked nothing; hypothesis.assume discards it
    found = [
        f"{path.name}::{test.name} line {line}"
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        for test in _property_tests(path)
        for line in _returns(test)
    ]
    assert found == []


def test_an_early_return_in_a_property_test_would_be_seen(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "@given(st.floats())\ndef test_x(x):\n    def helper():\n        return 1\n"
        "    if x < 0:\n        return\n    assert helper()\n"
    )
    (test,) = _property_tests(sample)
    assert _returns(test) == [6]


def test_property_tests_leave_the_deadline_to_the_profile():
    # tests/conftest.py sets one profile for the loaded machine; a test's own deadline overrides it
    found = [
        f"{path.name}::{test.name}"
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        for test in _property_tests(path)
        if any("deadline" in ast.unparse(d) for d in test.decorator_list)
    ]
    assert found == []
