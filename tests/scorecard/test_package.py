"""The engine's shape: it never imports Streamlit, and its imports run one way, from the floors above to
the floors below (store → register → evaluation → present and ingest → governance and export → bench → the
command line), as /work/shared/LAYOUT.md sketches."""

import ast
import subprocess
import sys
from pathlib import Path

import scorecard

FLOORS = {"store": 0, "register": 1, "evaluation": 2, "present": 3, "ingest": 3, "governance": 4, "export": 4,
          "bench": 5, "__main__": 6}  # fmt: skip
ROOT = Path(scorecard.__file__).parent


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "scorecard" else None


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= (
                {f"{node.module}.{alias.name}" for alias in node.names} if node.module == "scorecard" else {node.module}
            )
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def _violations(root: Path) -> list[str]:
    """Imports of an engine module from its own floor or one above (``root`` is the ``scorecard`` folder)."""
    wrong = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        home = _package(".".join(rel.parts))
        if home not in FLOORS:
            continue  # scorecard/__init__.py
        for target in map(_package, _imports(path)):
            if target in FLOORS and target != home and FLOORS[target] >= FLOORS[home]:
                wrong.append(f"{rel} imports scorecard.{target}")
    return wrong


def test_imports_run_one_way():
    assert _violations(ROOT) == []


def test_an_import_running_back_up_is_caught(tmp_path):
    for name, text in (("store/bad.py", "from scorecard.present import wording\n"),
                       ("present/ok.py", "from scorecard.store import periods\n"),
                       ("ingest/sideways.py", "from scorecard import views, present\n")):  # fmt: skip
        path = tmp_path / "scorecard" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert _violations(tmp_path / "scorecard") == [
        "scorecard/ingest/sideways imports scorecard.present",
        "scorecard/store/bad imports scorecard.present",
    ]


def test_the_engine_never_imports_streamlit():
    code = (
        "import sys, pkgutil, importlib, scorecard\n"
        "for m in pkgutil.walk_packages(scorecard.__path__, 'scorecard.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('scorecard.'))[:3], 'streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False") and "scorecard.bench" in out.stdout
