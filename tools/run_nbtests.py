"""Run every notebook's tests with nbdev-test, one process per notebook, and summarise.

    python tools/run_nbtests.py                     # all notebooks, `#| slow` cells skipped
    python tools/run_nbtests.py --flags slow        # include `#| slow` cells
    python tools/run_nbtests.py --only 01_models    # notebooks whose name contains a pattern

One process per notebook gives a per-notebook verdict and time; nbdev-test itself executes the
cells (so `#|` directives and tst_flags behave exactly as in `nbdev-test`).
"""
import argparse
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def notebooks(only=None):
    nbs = sorted(p for p in (ROOT / "nbs").rglob("*.ipynb")
                 if not p.name.startswith("_") and ".ipynb_checkpoints" not in p.parts)
    return [p for p in nbs if not only or any(o in p.name for o in only)]


def run_one(nb: Path, flags: str):
    cmd = ["nbdev-test", str(nb), "--do-print"] + (["--flags", flags] if flags else [])
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    ok = res.returncode == 0 and "Success" in res.stdout
    return nb, ok, time.perf_counter() - t0, res.stdout + res.stderr


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flags", default="", help="nbdev test flags to enable, e.g. 'slow'")
    ap.add_argument("--only", nargs="*", help="run notebooks whose file name contains one of these")
    ap.add_argument("--n-workers", type=int, default=1)
    args = ap.parse_args(argv)
    nbs = notebooks(args.only)
    if not nbs:
        print("no notebooks matched", file=sys.stderr)
        return 2
    passed, failed = 0, []
    with ThreadPoolExecutor(max(1, args.n_workers)) as pool:
        for nb, ok, secs, log in pool.map(lambda p: run_one(p, args.flags), nbs):
            print(f"{'PASS' if ok else 'FAIL'}  {nb.relative_to(ROOT)}  ({secs:.1f}s)", flush=True)
            if ok:
                passed += 1
            else:
                failed.append(nb)
                print("    " + log.strip().replace("\n", "\n    "), flush=True)
    print(f"notebooks: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
