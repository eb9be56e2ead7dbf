"""Run a notebook top to bottom in a fresh kernel (nbclient), the way a learner's "Run all" would."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder.notebooks import BuildError, cell_label


@dataclass(frozen=True)
class Execution:
    notebook: nbformat.NotebookNode
    seconds: float


def execute_notebook(notebook: nbformat.NotebookNode, workdir: Path, *, cell_timeout: int = 120,
                     where: str = "notebook") -> Execution:
    """Execute a copy of ``notebook`` in ``workdir``; raise :class:`BuildError` naming the failing cell."""
    notebook = nbformat.from_dict(notebook)
    client = NotebookClient(notebook, timeout=cell_timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}})
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        failing = next((i for i, cell in enumerate(notebook.cells) if _has_error(cell)), None)
        label = cell_label(failing, notebook.cells[failing]) if failing is not None else "a cell"
        raise BuildError(f"{where} does not execute top to bottom with its solutions: {label} raised "
                         f"{error.ename}: {error.evalue}") from None
    return Execution(notebook, time.perf_counter() - start)


def _has_error(cell) -> bool:
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))
