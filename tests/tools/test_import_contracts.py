"""The allow-list contract breaks on any import it does not name (and only then)."""

from __future__ import annotations

from grimp import ImportGraph

from tools.import_contracts import AllowListContract


def graph(*imports: tuple[str, str]) -> ImportGraph:
    g = ImportGraph()
    for importer, imported in imports:
        g.add_import(importer=importer, imported=imported, line_number=3, line_contents="import")
    return g


def contract(allowed: list[str]) -> AllowListContract:
    return AllowListContract(
        name="test",
        session_options={"root_packages": ["app"]},
        contract_options={"source_modules": ["app.ui"], "allowed_modules": allowed},
    )


def test_allowed_stdlib_and_own_package_imports_keep_it() -> None:
    g = graph(("app.ui.a", "app.core.x"), ("app.ui.a", "os"), ("app.ui.b", "app.ui.a"))
    g.add_module("app.ui")
    assert contract(["app.core"]).check(g, verbose=False).kept


def test_anything_not_named_breaks_it_with_the_line() -> None:
    g = graph(("app.ui.a", "app.core.x"), ("app.ui.a", "kernel_worker.sql"))
    g.add_module("app.ui")
    check = contract(["app.core"]).check(g, verbose=False)
    assert not check.kept
    assert check.metadata["broken"] == [
        {"importer": "app.ui.a", "imported": "kernel_worker.sql", "lines": [3]}
    ]
