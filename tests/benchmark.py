"""Suite time against its two floors (not collected by pytest: run it by hand).

    python tests/benchmark.py [--rounds N]
    python tests/benchmark.py --cells notebooks/01_nvidia_selloff.ipynb [...]

A floor is the time nbval takes, with the suite's settings (--nbval -n auto --dist loadscope), for
as many notebooks as the repository has that only start a kernel and import a stack:
- the stack floor: pandas, matplotlib, statsmodels and yfinance (what the notebooks use between
  them; statsmodels alone costs seconds to import);
- the minimal floor: pandas and matplotlib (what every notebook needs at start).
The full suite is `pytest` from the repository root. Each round times the three, in an order that
rotates from round to round (so neither floor always runs on a cooler or a warmer machine), and
the ratios reported are the medians of the rounds' ratios. Targets: at most 1.30 against the stack
floor and at most 1.70 against the minimal one.

With --cells, each notebook is executed once (nbclient, as nbval does) and the wall time of each
code cell is printed, costliest first: where the suite spends beyond the floor.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {
    "stack": "import pandas\nimport matplotlib.pyplot\nimport statsmodels.api\nimport yfinance",
    "minimal": "import pandas\nimport matplotlib.pyplot",
}
TARGETS = {"stack": 1.30, "minimal": 1.70}
NBVAL = [
    "-q",
    "-p",
    "no:cacheprovider",
    "--nbval",
    "--nbval-current-env",
    "-n",
    "auto",
    "--dist",
    "loadscope",
]


def timed(args, cwd):
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(
            f"benchmark: {' '.join(map(str, args))} failed:\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return elapsed


def floor_folder(tmp: Path, name: str, count: int) -> Path:
    folder = tmp / name
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n")
    for i in range(count):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOORS[name])])
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, folder / f"floor_{i}.ipynb")
    return folder


def bench(rounds: int) -> None:
    count = len(list((ROOT / "notebooks").glob("*.ipynb")))
    ratios = {name: [] for name in FLOORS}
    with tempfile.TemporaryDirectory() as tmp:
        folders = {name: floor_folder(Path(tmp), name, count) for name in FLOORS}
        runs = {name: [sys.executable, "-m", "pytest", *NBVAL, "."] for name in FLOORS}
        runs["full"] = [sys.executable, "-m", "pytest"]
        order = ["stack", "minimal", "full"]
        for i in range(rounds):
            times = {}
            for name in (
                order[i % 3 :] + order[: i % 3]
            ):  # rotate: each one runs first, second, third
                times[name] = timed(runs[name], ROOT if name == "full" else folders[name])
            for name in FLOORS:
                ratios[name].append(times["full"] / times[name])
            print(
                f"round {i + 1}: stack floor {times['stack']:.1f} s, "
                f"minimal floor {times['minimal']:.1f} s, "
                f"full suite {times['full']:.1f} s; ratios {ratios['stack'][-1]:.2f} (stack), "
                f"{ratios['minimal'][-1]:.2f} (minimal)",
                flush=True,
            )
    for name in FLOORS:
        median = statistics.median(ratios[name])
        verdict = "met" if median <= TARGETS[name] else "NOT met"
        print(
            f"median ratio to the {name} floor over {rounds} rounds: {median:.2f} "
            f"(target <= {TARGETS[name]:.2f}: {verdict})"
        )


def cells(paths) -> None:
    """Per-cell wall time of each notebook, run as nbval runs it (kernel in the notebook's
    folder)."""
    from nbclient import NotebookClient

    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": path.parent}}
        )
        spent = []
        start = time.perf_counter()
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                began = time.perf_counter()
                client.execute_cell(cell, index)
                first = cell.source.splitlines()[0] if cell.source else ""
                spent.append((time.perf_counter() - began, cell.get("id", index), first))
        total = time.perf_counter() - start
        print(
            f"{path.name}: {total:.2f} s in all (kernel start included), "
            f"{sum(s for s, *_ in spent):.2f} s in "
            f"{len(spent)} code cells; costliest:"
        )
        for seconds, cell_id, first in sorted(spent, reverse=True)[:8]:
            print(f"  {seconds:6.2f} s  {cell_id:>5}  {first[:70]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--cells", nargs="+", metavar="NOTEBOOK", help="time each cell of these notebooks"
    )
    args = parser.parse_args(argv)
    if args.cells:
        cells(args.cells)
    else:
        bench(args.rounds)


if __name__ == "__main__":
    main()
