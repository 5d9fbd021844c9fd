"""The test command guards the notebook-first workflow: these tests break it on purpose.

Each test copies the project to a temporary folder, damages one thing, and checks that the
matching part of `make test` exits non-zero there (the working tree is never touched).
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPY = ("pyproject.toml", "README.md", "Makefile", "nbs", "neos", "tools")


@pytest.fixture
def project(tmp_path):
    for name in COPY:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(
            src, tmp_path / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if src.is_dir() else {}))
    return tmp_path


def run(project, *args):
    return subprocess.run([sys.executable, *args], cwd=project, capture_output=True, text=True)


def test_checks_pass_on_the_project(project):
    for check in ("export", "clean", "readme"):
        res = run(project, "tools/checks.py", check)
        assert res.returncode == 0, res.stdout + res.stderr


def test_hand_edited_library_fails(project):
    init = project / "neos" / "__init__.py"
    init.write_text(init.read_text() + "\nHAND_EDIT = True\n")
    res = run(project, "tools/checks.py", "export")
    assert res.returncode != 0 and "neos/__init__.py" in res.stdout
    assert "HAND_EDIT" in init.read_text(), "the check must not overwrite the hand edit"


def test_stale_readme_fails(project):
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("neos", "noes", 1))
    res = run(project, "tools/checks.py", "readme")
    assert res.returncode != 0 and "out of date" in res.stdout


def test_unclean_notebook_fails(project):
    nb_path = project / "nbs" / "00_neos.ipynb"
    nb = json.loads(nb_path.read_text())
    nb["cells"][1]["metadata"]["scrolled"] = True
    nb["cells"][1]["execution_count"] = 42
    nb_path.write_text(json.dumps(nb, indent=1))
    res = run(project, "tools/checks.py", "clean")
    assert res.returncode != 0 and "00_neos.ipynb" in res.stdout


def test_failing_test_in_a_notebook_fails(project):
    nb_path = project / "nbs" / "00_neos.ipynb"
    nb = json.loads(nb_path.read_text())
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "deadbeef", "metadata": {},
                        "outputs": [], "source": ["from fastcore.test import test_eq\n", "test_eq(1, 2)"]})
    nb_path.write_text(json.dumps(nb, indent=1))
    res = run(project, "tools/run_nbtests.py", "--only", "00_neos")
    assert res.returncode != 0 and "0 passed, 1 failed" in res.stdout


def _readme_test_command():
    m = re.search(r"\*\*Run the tests\*\*.*?```bash\n(.+?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert m, "README.md must show the test command"
    return m.group(1).strip()


def test_ci_runs_the_readme_test_command():
    assert _readme_test_command() in (ROOT / ".ci" / "run").read_text()


def test_github_workflow_runs_the_readme_test_command():
    assert _readme_test_command() in (ROOT / ".github" / "workflows" / "test.yml").read_text()
