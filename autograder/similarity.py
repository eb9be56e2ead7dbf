"""Similar answers across a class, for the class report: MOSS-style winnowing with ``copydetect``.

Each student's code answers (the graded notebook's solution cells, all questions together: one shared idiom is
common, a run of shared answers is not) are fingerprinted after copydetect's filtering, which replaces every
name by a placeholder and drops comments and whitespace, so renaming variables or rewording comments does not
hide a copy. The release's own starter code is boilerplate: it matches nothing, and an answer that is still the
stub is left out. A pair is listed when one of the two has at least ``THRESHOLD`` of its fingerprinted code in
common with the other; the page shows both answers side by side with the shared code marked.

copydetect compares files; what it does not do, and this module does, is find the answers inside notebooks,
treat the release as boilerplate, and write the page in the report's folder with students' text made inert.
"""
from __future__ import annotations

import hashlib
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import nbformat
from markupsafe import escape

from autograder.notebooks import nbgrader_meta

# copydetect's defaults: matches shorter than NOISE characters of filtered code are ignored, matches of GUARANTEE
# characters or more are always found (the winnowing window is their difference + 1)
NOISE, GUARANTEE = 25, 30
THRESHOLD = 0.6


@dataclass(frozen=True)
class SimilarPair:
    first: str
    second: str
    shares: tuple[float, float]    # the share of each one's fingerprinted code that the other also has
    first_code: str                # HTML: the answers with the shared code marked
    second_code: str

    @property
    def share(self) -> float:
        return max(self.shares)


def answer_code(notebook_path: Path) -> str:
    """The notebook's code answers (solution cells), in order, one after the other."""
    if not notebook_path.exists():
        return ""
    cells = nbformat.read(notebook_path, as_version=4).cells
    return "\n\n".join(cell.source for cell in cells
                       if cell.cell_type == "code" and nbgrader_meta(cell).get("solution"))


def _stable_kgram_hashes(string: str, k: int):
    """copydetect hashes each k-gram with Python's ``hash()``, salted afresh in every process (PYTHONHASHSEED):
    winnowing then keeps different fingerprints, and the same class read 89 % in one report and 90 % in the
    next. A 64-bit BLAKE2 digest of the k-gram is the same in every run."""
    import numpy as np
    return np.array([int.from_bytes(hashlib.blake2b(string[offset:offset + k].encode(), digest_size=8).digest(),
                                    "little", signed=True) for offset in range(len(string) - k + 1)],
                    dtype=np.int64)


def _fingerprint(name: str, code: str, boilerplate=None):
    import copydetect.utils
    from copydetect import CodeFingerprint
    copydetect.utils.hashed_kgrams = _stable_kgram_hashes  # its fingerprinting looks the function up here
    return CodeFingerprint(f"{name}.py", NOISE, GUARANTEE - NOISE + 1, boilerplate=boilerplate,
                           fp=io.StringIO(code))


def similar_pairs(answers: dict[str, str], starter: str, threshold: float = THRESHOLD) -> list[SimilarPair]:
    """Pairs of students whose answers share at least ``threshold`` of one's fingerprinted code, most similar
    first. ``answers``: student -> code; ``starter``: the release's code in the same cells."""
    import numpy as np
    from copydetect import CodeFingerprint, compare_files
    from copydetect.utils import highlight_overlap

    # every k-gram of the starter code, not only the winnowed ones, as copydetect builds its boilerplate
    boilerplate = np.unique(np.array(list(CodeFingerprint("starter.py", NOISE, 1, fp=io.StringIO(starter)).hashes)))
    prints = {student: _fingerprint(student, code, boilerplate) for student, code in sorted(answers.items())}
    prints = {student: fp for student, fp in prints.items() if fp.token_coverage > 0}   # stubs: nothing of theirs
    pairs = []
    for first, second in itertools.combinations(prints, 2):
        overlap, shares, (slices_1, slices_2) = compare_files(prints[first], prints[second])
        if overlap == 0 or max(shares) < threshold:
            continue
        marked = [highlight_overlap(prints[s].raw_code, slices, "<mark>", "</mark>", escape_html=True)[0]
                  for s, slices in ((first, slices_1), (second, slices_2))]
        pairs.append(SimilarPair(first, second, (float(shares[0]), float(shares[1])), *marked))
    return sorted(pairs, key=lambda pair: -pair.share)


def class_pairs(root: Path, assignment: str, students: list[str], threshold: float = THRESHOLD) -> list[SimilarPair]:
    """The similar pairs of a graded class, notebook by notebook (starter code: the release's, if there)."""
    names = sorted({path.name for s in students for path in (root / "autograded" / s / assignment).glob("*.ipynb")})
    pairs = []
    for name in names:
        answers = {s: answer_code(root / "autograded" / s / assignment / name) for s in students}
        pairs += similar_pairs(answers, answer_code(root / "release" / assignment / name), threshold)
    return sorted(pairs, key=lambda pair: -pair.share)


def html_page(assignment: str, pairs: list[SimilarPair], threshold: float = THRESHOLD) -> str:
    """The side-by-side page; every piece of a student's text is escaped."""
    rows = [f"<h2>{escape(p.first)} ({p.shares[0]:.0%}) and {escape(p.second)} ({p.shares[1]:.0%})</h2>"
            f"<div class='pair'><div><h3>{escape(p.first)}</h3><pre>{p.first_code}</pre></div>"
            f"<div><h3>{escape(p.second)}</h3><pre>{p.second_code}</pre></div></div>" for p in pairs]
    body = "\n".join(rows) if rows else "<p>No pair of answers is that similar.</p>"
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(assignment)}: similar answers</title>
<style>body {{ font-family: sans-serif; margin: 2em; }} .pair {{ display: flex; gap: 1em; }}
.pair > div {{ flex: 1; min-width: 0; }} pre {{ background: #f6f6f6; padding: 0.6em; overflow-x: auto; }}
mark {{ background: #ffd54f; }}</style></head><body>
<h1>{escape(assignment)}: similar answers</h1>
<p>Pairs of students whose code answers share at least {threshold:.0%} of one's fingerprinted code (MOSS-style
winnowing by copydetect, after replacing names and dropping comments; the release's starter code excluded).
The percentage after each name is the share of that student's code found in the other's. Shared code is
marked. Similar is not the same as copied: read the code before you decide.</p>
{body}
</body></html>
"""
