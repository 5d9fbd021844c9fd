"""Consistency checks for the notebook-first workflow, run by `make test`.

    python tools/checks.py export   # neos/ equals a fresh nbdev-export of nbs/
    python tools/checks.py clean    # notebooks are nbdev-clean
    python tools/checks.py readme   # README.md is generated from nbs/index.ipynb

Each check works on a temporary copy of the project, so it never overwrites what is in the
working tree (a hand edit to neos/*.py is reported, not silently replaced).
"""
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")


def _copy_project(dest: Path):
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    for name in ("nbs", "neos"):
        shutil.copytree(ROOT / name, dest / name, ignore=IGNORE)


def _diff_trees(a: Path, b: Path, pattern: str):
    "Files matching `pattern` that differ between trees `a` and `b` (or exist in only one)."
    names = {p.relative_to(a) for p in a.rglob(pattern)} | {p.relative_to(b) for p in b.rglob(pattern)}
    return sorted(str(n) for n in names
                  if "__pycache__" not in n.parts and ".ipynb_checkpoints" not in n.parts
                  and not ((a / n).exists() and (b / n).exists() and filecmp.cmp(a / n, b / n, shallow=False)))


def _run_in_copy(cmd):
    tmp = Path(tempfile.mkdtemp(prefix="neos-check-"))
    try:
        _copy_project(tmp)
        res = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
        if res.returncode:
            print(f"`{' '.join(cmd)}` failed:\n{res.stdout}{res.stderr}")
            return None, tmp
        return res, tmp
    except Exception:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def check_export() -> int:
    res, tmp = _run_in_copy(["nbdev-export"])
    try:
        if res is None:
            return 1
        diff = _diff_trees(ROOT / "neos", tmp / "neos", "*.py")
        if diff:
            print("neos/ differs from a fresh `nbdev-export` of nbs/ (edit the notebooks, then run "
                  "`make export`):\n  " + "\n  ".join(f"neos/{d}" for d in diff))
            return 1
        print("neos/ matches a fresh nbdev-export of nbs/")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_clean() -> int:
    res, tmp = _run_in_copy(["nbdev-clean"])
    try:
        if res is None:
            return 1
        diff = _diff_trees(ROOT / "nbs", tmp / "nbs", "*.ipynb")
        if diff:
            print("notebooks are not clean (run `make clean-nbs`):\n  " + "\n  ".join(f"nbs/{d}" for d in diff))
            return 1
        print("notebooks are clean")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_readme() -> int:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "readme.py"), "--check"]).returncode


CHECKS = {"export": check_export, "clean": check_clean, "readme": check_readme}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        print(f"usage: python tools/checks.py {{{'|'.join(CHECKS)}}}", file=sys.stderr)
        sys.exit(2)
    sys.exit(CHECKS[sys.argv[1]]())
