"""Write README.md from nbs/index.ipynb without Quarto.

nbdev-readme needs Quarto, which cannot be installed on our machines. This uses nbdev's own
notebook processing (directives parsed and stripped, `#| hide` cells dropped) and renders the
cells as GitHub Markdown: markdown as-is, code as ```python blocks, text outputs as ``` blocks.
Image links written relative to nbs/ (`assets/x.gif`) are rewritten relative to the repo root.

    python tools/readme.py          # write README.md
    python tools/readme.py --check  # exit 1 if README.md is out of date
"""
import re
import sys
from pathlib import Path

from nbdev.process import NBProcessor, read_nb

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "nbs" / "index.ipynb"
README = ROOT / "README.md"
HEADER = "<!-- Generated from nbs/index.ipynb by `make readme`: edit the notebook, not this file. -->\n\n"


def _hidden(cell) -> bool:
    d = cell.get("directives_", {})
    return "hide" in d or "exporti" in d or d.get("include:", [""])[0] == "false"


def _outputs(cell):
    if "hide_output" in cell.get("directives_", {}) or "output:" in cell.get("directives_", {}):
        return
    for out in cell.get("outputs", []):
        text = out.get("text") or out.get("data", {}).get("text/plain")
        if text and "data" in out and any(k.startswith("image/") for k in out["data"]):
            continue  # plots belong in the docs site, not the README
        if text:
            yield "```\n" + "".join(text).rstrip() + "\n```"


def _rebase_links(md: str) -> str:
    return re.sub(r'(\]\(|src=")(assets/)', r"\1nbs/\2", md)


def render(nb_path: Path = INDEX) -> str:
    nb = read_nb(nb_path)
    NBProcessor(nb=nb, rm_directives=True).process()
    parts = []
    for cell in nb.cells:
        if _hidden(cell) or not cell.source.strip():
            continue
        if cell.cell_type == "markdown":
            parts.append(_rebase_links(cell.source.strip()))
        elif cell.cell_type == "code":
            if "echo:" not in cell.get("directives_", {}):
                parts.append("```python\n" + cell.source.strip() + "\n```")
            parts.extend(_outputs(cell))
    return HEADER + "\n\n".join(parts) + "\n"


def main(argv):
    text = render()
    if "--check" in argv:
        if not README.exists() or README.read_text() != text:
            print("README.md is out of date with nbs/index.ipynb: run `make readme` and commit it.")
            return 1
        print("README.md is in sync with nbs/index.ipynb")
        return 0
    README.write_text(text)
    print(f"wrote {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
