"""examples/backward_walkthrough.ipynb runs top to bottom (its cells assert what they show)."""

import os

import pytest

HOW = "pip install 'tinygrad-scores[notebook]'"
nbformat = pytest.importorskip("nbformat", reason=f"needs nbformat ({HOW})")
nbclient = pytest.importorskip("nbclient", reason=f"needs nbclient ({HOW})")
pytest.importorskip("ipykernel", reason=f"needs ipykernel ({HOW})")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK = os.path.join(ROOT, "examples", "backward_walkthrough.ipynb")


def test_backward_walkthrough_executes(tmp_path, monkeypatch):
    # the kernel is a child process: let it import this checkout's package
    paths = [ROOT, os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:  # run from a clean slate, not the stored outputs
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failure
    text = "".join(
        out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
    )
    assert "[backward   3] LinearBackward0" in text
    assert text.count("max |engine - formula|") == 7
    assert text.count("max |numeric - backward|") == 4
    assert "test accuracy" in text
