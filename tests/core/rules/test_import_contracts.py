"""The import contracts of pyproject.toml hold, and they do catch what they forbid: a copy of the
source tree with one deliberate upward (or sideways) import fails ``lint-imports``."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("core", "notifications", "modules", "helpdesk", "workflows")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed (dev extra)"
)


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(  # noqa: S603 - our own venv's executable, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The project's packages and contracts, copied so a test may break them."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_import_contracts():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_layers_contract(tree_copy):
    # Given core importing the help desk (a higher layer)
    (tree_copy / "core" / "upward_import.py").write_text("import helpdesk.models  # noqa\n")

    result = lint_imports(tree_copy)

    # Then the layers contract is broken and the report names the import
    assert result.returncode == 1
    assert "Layers: core -> notifications -> modules -> helpdesk -> workflows BROKEN" in (
        result.stdout
    )
    assert "core.upward_import -> helpdesk.models" in result.stdout
    assert "The workflows.* packages do not import each other KEPT" in result.stdout


def test_one_workflow_importing_another_breaks_their_independence(tree_copy):
    # Given the password reset reaching into registration
    sideways = tree_copy / "workflows" / "password_reset" / "sideways_import.py"
    sideways.write_text("from workflows.registration import services  # noqa\n")

    result = lint_imports(tree_copy)

    assert result.returncode == 1
    assert "The workflows.* packages do not import each other BROKEN" in result.stdout
    assert "workflows.password_reset.sideways_import -> workflows.registration" in result.stdout
