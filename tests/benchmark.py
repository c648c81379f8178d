"""Suite time against its floor (not collected by pytest: run it by hand).

    python tests/benchmark.py

The floor is the time nbval takes, with the same settings (-n auto --dist loadscope), for as many
notebooks as the repository has that only start a kernel and import the stack (pandas, matplotlib,
statsmodels, yfinance). The full suite is `pytest` from the repository root. The target is a ratio
of at most 1.35.
"""
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = "import pandas\nimport matplotlib.pyplot\nimport statsmodels.api\nimport yfinance"


def timed(args, cwd):
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"benchmark: {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def main(rounds: int = 3):
    """Floor and full suite, alternated `rounds` times (the machine's noise is a few seconds);
    the ratio reported is the median of the rounds' ratios."""
    count = len(list((ROOT / "notebooks").glob("*.ipynb")))
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "pytest.ini").write_text("[pytest]\n")
        for i in range(count):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(IMPORTS)])
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nbformat.write(nb, tmp / f"floor_{i}.ipynb")
        for _ in range(rounds):
            floor = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                           "--nbval-current-env", "-n", "auto", "--dist", "loadscope", "."], tmp)
            full = timed([sys.executable, "-m", "pytest"], ROOT)
            ratios.append(full / floor)
            print(f"floor ({count} import-only notebooks) {floor:.1f} s, full suite {full:.1f} s, "
                  f"ratio {full / floor:.2f}")
    print(f"median ratio over {rounds} rounds: {statistics.median(ratios):.2f} (target <= 1.35)")


if __name__ == "__main__":
    main()
