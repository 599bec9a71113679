"""The recipes against their peers: score, fit time and predict throughput.

Runs the two recipe scripts of ``examples/`` in this process and prints, for
every data set and split, each model's score beside its fit time and
prediction throughput, with ratios to the RandomForest peer measured in the
same run (after each script's own table, per-class F1 included):

* MIT-BIH beats (``examples/honest_evaluation.py``): the
  ``mitbih_beat_pipeline`` recipe, a RandomForest on the raw beats and
  MiniRocket, intra-patient (stratified 80/20) and inter-patient
  (DS1 -> DS2), scored by macro F1;
* CinC 2017 (``examples/cinc2017_recipe.py``): the ``cinc2017_pipeline``
  recipe, the AMLS report's RandomForest on STFT features and MiniRocket,
  5-fold stratified CV, scored by the challenge F1.

MiniRocket rows appear when the optional ``aeon`` package is installed
(``pip install -e .[benchmark]``).

Run: ``python benchmarks/bench_recipes.py [--quick] [--dataset both]
[--threads 1] [--n-jobs 1]``. Needs the PhysioNet mirror (``../shared/data/physionet``
or ``SKLECG_PHYSIONET_MIRROR``). The full run takes about 45 minutes for
MIT-BIH on one core (most of it MiniRocket's) and 33 minutes for CinC 2017
with ``--n-jobs 2`` on two cores (most of it the recipe's network).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from threadpoolctl import threadpool_limits

from sklecg.utils import markdown_table

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

from _common import load_example  # noqa: E402


def as_float(value) -> float:
    """A score cell as a number (``"0.80 ± 0.01"`` gives 0.80)."""
    return float(str(value).split()[0])


def with_ratios(rows: list[dict], score: str, fit: str, throughput: str) -> list:
    """Rows reduced to score, fit time and throughput, with ratios to the
    RandomForest row of the same split (rows without a fit time, such as an
    ensemble's members, are left out)."""
    table = []
    for row in rows:
        if row.get(fit) is None:
            continue
        split = row.get("split", "5-fold CV")
        peer = next(
            r
            for r in rows
            if r.get("split", "5-fold CV") == split and "RandomForest" in r["model"]
        )
        table.append(
            {
                "split": split,
                "model": row["model"],
                score: as_float(row[score]),
                f"{score} / forest": as_float(row[score]) / as_float(peer[score]),
                fit: row[fit],
                "fit / forest": row[fit] / peer[fit],
                throughput: row[throughput],
                "throughput / forest": row[throughput] / peer[throughput],
            }
        )
    return table


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small subsets")
    parser.add_argument(
        "--dataset", choices=["mitbih", "cinc2017", "both"], default="both"
    )
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--threads", type=int, default=1, help="OpenMP threads")
    parser.add_argument(
        "--n-jobs", type=int, default=1, help="CinC 2017 folds fitted at a time"
    )
    args = parser.parse_args(argv)
    if args.dataset in ("mitbih", "both"):
        with threadpool_limits(args.threads):
            beats = load_example("honest_evaluation").run(args.data_home, args.quick)
        print("\nMIT-BIH heartbeats\n")
        print(markdown_table(beats), end="\n\n")
        ratios = with_ratios(beats, "macro F1", "fit (s)", "predict (beats/s)")
        print(markdown_table(ratios), flush=True)
    if args.dataset in ("cinc2017", "both"):
        with threadpool_limits(args.threads):
            records = load_example("cinc2017_recipe").run(
                args.data_home, args.quick, n_jobs=args.n_jobs
            )
        print("\nCinC 2017 records\n")
        print(markdown_table(records), end="\n\n")
        ratios = with_ratios(
            records, "challenge F1", "fit (s/fold)", "predict (records/s)"
        )
        print(markdown_table(ratios))


if __name__ == "__main__":
    main()
