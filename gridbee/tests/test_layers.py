"""The layers are written down (pyproject.toml, [tool.importlinter]) and checked: imports point
down, core → geo → people → cases → the apps built on cases. CI runs the same check."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_code_keeps_its_layers():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        ROOT / "gridbee",
        tmp_path / "gridbee",
        ignore=shutil.ignore_patterns("__pycache__", "static", "locale", "templates", "data"),
    )
    (tmp_path / "gridbee" / "people" / "upward.py").write_text(
        "from gridbee.cases.models import Case  # people reaching up into cases\n"
    )
    result = lint(tmp_path)
    assert result.returncode != 0
    assert "gridbee.people.upward -> gridbee.cases.models" in result.stdout
