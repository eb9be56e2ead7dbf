"""Regenerates docs/images/similarity-example.png: the similar-answers page of `autograder report` for a class
of three, where Ben handed in Ana's answers with names, comments and spacing changed and Cyd wrote his own.

    .venv/bin/python bench/similarity_example.py [--out docs/images/similarity-example.png]

The answers are tests/grading/test_similarity.py's (the test checks that exactly Ana and Ben pair up). The page
is rendered by Debian's Chromium through Playwright (as the browser tests do; never `playwright install`).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograder import similarity  # noqa: E402
from grading.test_similarity import ANA, BEN, CYD, STARTER, notebook  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "similarity-example.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "release" / "week01").mkdir(parents=True)
        nbformat.write(notebook(STARTER), root / "release" / "week01" / "week01.ipynb")
        for student, answers in {"ana": ANA, "ben": BEN, "cyd": CYD}.items():
            (root / "autograded" / student / "week01").mkdir(parents=True)
            nbformat.write(notebook(answers), root / "autograded" / student / "week01" / "week01.ipynb")
        pairs = similarity.class_pairs(root, "week01", ["ana", "ben", "cyd"])
        page = root / "similarity.html"
        page.write_text(similarity.html_page("week01", pairs))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1200, "height": 300})
            tab.goto(page.as_uri())
            tab.screenshot(path=str(args.out), full_page=True)
            browser.close()
    print(f"{len(pairs)} pair(s) above the threshold: "
          + ", ".join(f"{p.first}-{p.second} ({p.share:.0%})" for p in pairs) + f"; picture: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
