"""An allow-list import contract for import-linter: a layer may import only what it names.

import-linter's own ``forbidden`` contracts are deny-lists: a module nobody thought to forbid
slips through. This one inverts it: every module of ``source_modules`` may import only the
standard library, its own package, and the modules under ``allowed_modules``; anything else
breaks the contract, with the importing line.
"""

from __future__ import annotations

import sys
from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class AllowListContract(Contract):
    """Configuration: ``source_modules`` (packages checked), ``allowed_modules`` (what they
    may import besides the standard library and themselves)."""

    type_name = "allowlist"

    source_modules = fields.ListField(subfield=fields.StringField())
    allowed_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        sources = [str(m) for m in self.source_modules]  # type: ignore[attr-defined]
        allowed = [str(m) for m in self.allowed_modules]  # type: ignore[attr-defined]
        broken: list[dict[str, Any]] = []
        for source in sources:
            for importer in sorted({source, *graph.find_descendants(source)}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    if _permitted(imported, source, allowed):
                        continue
                    lines = [
                        detail["line_number"]
                        for detail in graph.get_import_details(importer=importer, imported=imported)
                    ]
                    broken.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            where = ", ".join(f"l.{n}" for n in item["lines"]) or "?"
            output.print_error(f"{item['importer']} imports {item['imported']} ({where})")
        output.new_line()


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _permitted(imported: str, source: str, allowed: list[str]) -> bool:
    top = imported.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return _within(imported, source) or any(_within(imported, a) for a in allowed)
