"""The house's shape holds: no import circles (TYPE_CHECKING imports included), and the map in
ARCHITECTURE.md names every package that exists and nothing that does not."""

from __future__ import annotations

import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage", "simulator")


def import_circle(graph: grimp.ImportGraph) -> list[str]:
    """One circle of modules importing each other (first module repeated at the end), or []."""
    sorter: TopologicalSorter[str] = TopologicalSorter(
        {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    )
    try:
        sorter.prepare()
    except CycleError as circle:
        return list(circle.args[1])
    return []


def test_no_module_imports_itself_round_a_circle() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False)
    assert import_circle(graph) == []


def test_the_circle_check_finds_a_circle_when_there_is_one() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.one", "a.two", "a.three", "a.four"):
        graph.add_module(module)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.three")
    graph.add_import(importer="a.three", imported="a.one")
    graph.add_import(importer="a.four", imported="a.one")
    circle = import_circle(graph)
    assert sorted(set(circle)) == ["a.one", "a.three", "a.two"]
    assert circle[0] == circle[-1]


def _packages_on_disk() -> set[str]:
    found = {"handlers", "storage", "simulator", "bot"}
    for init in (ROOT / "bot").glob("*/__init__.py"):
        found.add(f"bot/{init.parent.name}")
    for init in (ROOT / "bot" / "app").glob("*/__init__.py"):
        found.add(f"bot/app/{init.parent.name}")
    return found


def test_the_architecture_map_names_every_package_and_only_real_ones() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    named = set(re.findall(r"`((?:bot/)?(?:app/)?[a-z_]+)/`", text))
    on_disk = _packages_on_disk()
    assert on_disk - named == set(), "packages missing from ARCHITECTURE.md"
    assert {n for n in named if n.split("/")[0] in {"bot", *PACKAGES}} - on_disk == set()


def test_every_module_the_story_of_a_request_names_exists() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    story = text.split("## The life of a request", 1)[1].split("\n## ", 1)[0]
    modules = re.findall(r"`((?:bot|handlers|storage|simulator)/[\w/]+\.py)`", story)
    assert len(modules) >= 10
    assert [m for m in modules if not (ROOT / m).exists()] == []
