#!/usr/bin/env python3
"""Check `covgap plan` against PySAL spopt's MCLP (maximal covering location problem).

For each instance covgap exports (`covgap plan --export-instance FILE`), this script solves the
same problem with spopt's MCLP (PuLP with the CBC solver that ships inside the pulp wheel) and
reports whether covgap's exact answer covers the same weight (babies) and whether covgap's
greedy answer is within 1% of it.

The instance gives demand points (weight, British National Grid x/y in metres), candidate sites
(x/y), fixed sites (existing and what-if teams) with the demand each covers, and the radius. The
script builds its own distance matrix from the coordinates (straight line, metres) and lets spopt
decide coverage (`distance <= radius`); it checks that coverage equals the `covers` lists in the
file. The problem is solved twice:

- "new babies": demand already covered by a fixed site is given weight 0, so MCLP chooses
  p = N new sites among the candidates and its objective is the babies newly covered, which is
  the figure covgap's plan reports as the gain;
- "all babies": the fixed sites are added as facility columns and held open with spopt's own
  `predefined_facilities_arr`, with p = N + the number of fixed sites, so spopt handles the
  existing teams itself and its objective is every baby covered once the plan is built (the
  plan's cumulative share). This second solve must equal the first plus the babies the fixed
  sites already cover. A fixed team covers what lies within the radius of its base and also
  every district its list entry names, which no distance reproduces, so its column's costs are
  taken from its `covers` list (0 for covered, infinite otherwise); the script checks that
  everything within the radius of its base is in that list.

Greedy's shortfall is reported against both objectives.

Usage (from the repository root; needs `pip install spopt`):

    cargo build --release
    python3 benches/compare_spopt.py                       # radii 20 40 60, N 10 20 40
    python3 benches/compare_spopt.py --instance inst.json  # one exported instance

Works on the built-in data; it does not read ../shared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pulp
from spopt.locate import MCLP

REPO = Path(__file__).resolve().parent.parent


def solve_with_spopt(inst: dict) -> dict:
    demand = inst["demand"]
    cands = inst["candidates"]
    fixed_cov = set()
    for s in inst["fixed"]:
        fixed_cov.update(s["covers"])
    weights = np.array([0.0 if i in fixed_cov else d["weight"] for i, d in enumerate(demand)])
    dx = np.array([d["x"] for d in demand])
    dy = np.array([d["y"] for d in demand])
    cx = np.array([c["x"] for c in cands])
    cy = np.array([c["y"] for c in cands])
    cost = np.hypot(dx[:, None] - cx[None, :], dy[:, None] - cy[None, :])
    radius = inst["radius_m"]
    # spopt's coverage, from the coordinates, against covgap's `covers` lists.
    mismatches = 0
    for j, c in enumerate(cands):
        mine = set(np.nonzero(cost[:, j] <= radius)[0].tolist())
        if mine != set(c["covers"]):
            mismatches += 1
    p = min(inst["add"], len(cands))
    started = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, weights, service_radius=radius, p_facilities=p)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    seconds = time.perf_counter() - started
    chosen = [j for j in range(len(cands)) if model.fac_vars[j].value() > 0.5]
    covered = set()
    for j in chosen:
        covered.update(np.nonzero(cost[:, j] <= radius)[0].tolist())
    value = float(sum(weights[i] for i in covered))
    babies = int(sum(demand[i]["babies"] for i in covered if i not in fixed_cov))
    return {
        "status": pulp.LpStatus[model.problem.status],
        "objective": float(pulp.value(model.problem.objective)),
        "value": value,
        "babies": babies,
        "sites": chosen,
        "seconds": seconds,
        "coverage_mismatches": mismatches,
        "with_fixed": solve_with_fixed_sites(inst, dx, dy, cx, cy, p),
    }


def solve_with_fixed_sites(inst: dict, dx, dy, cx, cy, p: int) -> dict:
    """MCLP over all demand at full weight, the fixed sites held open by spopt."""
    demand, fixed = inst["demand"], inst["fixed"]
    weights = np.array([d["weight"] for d in demand])
    radius = inst["radius_m"]
    n_cands = len(cx)
    cost = np.full((len(demand), n_cands + len(fixed)), np.inf)
    cost[:, :n_cands] = np.hypot(dx[:, None] - cx[None, :], dy[:, None] - cy[None, :])
    mismatches = 0
    for k, s in enumerate(fixed):
        cost[s["covers"], n_cands + k] = 0.0
        if s.get("x") is not None:
            near = np.hypot(dx - s["x"], dy - s["y"]) <= radius
            mismatches += not set(np.nonzero(near)[0].tolist()) <= set(s["covers"])
    predefined = np.array([0] * n_cands + [1] * len(fixed))
    started = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, weights, service_radius=radius, p_facilities=p + len(fixed),
                                  predefined_facilities_arr=predefined)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    seconds = time.perf_counter() - started
    opened = [j for j in range(cost.shape[1]) if model.fac_vars[j].value() > 0.5]
    covered = set()
    for j in opened:
        covered.update(np.nonzero(cost[:, j] <= radius)[0].tolist())
    fixed_cov = set()
    for s in fixed:
        fixed_cov.update(s["covers"])
    return {
        "status": pulp.LpStatus[model.problem.status],
        "value": float(sum(weights[i] for i in covered)),
        "fixed_value": float(sum(weights[i] for i in fixed_cov)),
        "fixed_open": all(j in opened for j in range(n_cands, cost.shape[1])),
        "sites": [j for j in opened if j < n_cands],
        "seconds": seconds,
        "coverage_mismatches": mismatches,
    }


def compare(inst: dict) -> dict:
    sol = inst["solutions"]
    sp = solve_with_spopt(inst)
    exact, greedy = sol["exact"]["value"], sol["greedy"]["value"]
    wf = sp["with_fixed"]
    base = wf["fixed_value"]

    def short_of_all(v: float) -> float:
        return (wf["value"] - (base + v)) * 100.0 / wf["value"] if wf["value"] else 0.0

    return {
        "radius_km": inst["radius_km"],
        "add": inst["add"],
        "candidates": len(inst["candidates"]),
        "spopt": sp,
        "covgap_exact": exact,
        "covgap_exact_proven": sol["exact"]["proven_optimal"],
        "covgap_exact_seconds": sol["exact"]["seconds"],
        "covgap_greedy": greedy,
        "covgap_greedy_seconds": sol["greedy"]["seconds"],
        "covgap_greedy_swap": sol["greedy_swap"]["value"],
        "swap_gap_percent": (sp["value"] - sol["greedy_swap"]["value"]) * 100.0 / sp["value"] if sp["value"] else 0.0,
        "exact_equal": abs(exact - sp["value"]) < 1e-6,
        "greedy_gap_percent": (sp["value"] - greedy) * 100.0 / sp["value"] if sp["value"] else 0.0,
        "all_babies": {
            "spopt": wf["value"],
            "already_covered": base,
            "exact_equal": abs(wf["value"] - (base + exact)) < 1e-6 and wf["fixed_open"],
            "greedy_gap_percent": short_of_all(greedy),
            "swap_gap_percent": short_of_all(sol["greedy_swap"]["value"]),
        },
    }


def run_covgap(covgap: Path, radius: float, add: int, tmp: Path) -> dict:
    path = tmp / f"instance_r{radius:g}_n{add}.json"
    subprocess.run(
        [str(covgap), "plan", "--add", str(add), "--radius", f"{radius:g}", "--out", str(tmp / "out"),
         "--export-instance", str(path), "-q"],
        check=True,
    )
    return json.loads(path.read_text())


def table(results: list[dict]) -> str:
    lines = [
        "| radius km | N | candidates | spopt MCLP (CBC) | covgap exact | same? | covgap greedy | greedy short of optimum | greedy within 1%? | covgap greedy + swaps | short of optimum | spopt s | covgap exact s | covgap greedy ms |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        sp = r["spopt"]
        lines.append(
            f"| {r['radius_km']:g} | {r['add']} | {r['candidates']} | {sp['value']:,.0f} ({sp['status']}) | "
            f"{r['covgap_exact']:,.0f}{'' if r['covgap_exact_proven'] else ' (unproven)'} | "
            f"{'yes' if r['exact_equal'] else 'NO'} | {r['covgap_greedy']:,.0f} | {r['greedy_gap_percent']:.2f}% | "
            f"{'yes' if r['greedy_gap_percent'] <= 1.0 else 'no'} | {r['covgap_greedy_swap']:,.0f} | {r['swap_gap_percent']:.2f}% | {sp['seconds']:.2f} | "
            f"{r['covgap_exact_seconds']:.3f} | {r['covgap_greedy_seconds'] * 1000:.2f} |"
        )
    return "\n".join(lines)


def table_all_babies(results: list[dict]) -> str:
    lines = [
        "| radius km | N | already covered | spopt MCLP, teams held open | = covered + covgap exact? | greedy short | within 1%? | greedy + swaps short | within 1%? | spopt s |",
        "|---:|---:|---:|---:|---|---:|---|---:|---|---:|",
    ]
    for r in results:
        a = r["all_babies"]
        lines.append(
            f"| {r['radius_km']:g} | {r['add']} | {a['already_covered']:,.0f} | {a['spopt']:,.0f} "
            f"({r['spopt']['with_fixed']['status']}) | {'yes' if a['exact_equal'] else 'NO'} | "
            f"{a['greedy_gap_percent']:.2f}% | {'yes' if a['greedy_gap_percent'] <= 1.0 else 'no'} | "
            f"{a['swap_gap_percent']:.2f}% | {'yes' if a['swap_gap_percent'] <= 1.0 else 'no'} | "
            f"{r['spopt']['with_fixed']['seconds']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instance", type=Path, action="append", help="an exported instance JSON (repeatable)")
    ap.add_argument("--covgap", type=Path, default=REPO / "target" / "release" / "covgap",
                    help="the covgap binary (default target/release/covgap)")
    ap.add_argument("--radii", type=float, nargs="+", default=[20, 40, 60])
    ap.add_argument("--add", type=int, nargs="+", default=[10, 20, 40])
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = ap.parse_args(argv)

    results = []
    if args.instance:
        for p in args.instance:
            results.append(compare(json.loads(p.read_text())))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for r in args.radii:
                for n in args.add:
                    results.append(compare(run_covgap(args.covgap, r, n, Path(tmp))))
    for r in results:
        if r["spopt"]["coverage_mismatches"]:
            print(f"warning: r={r['radius_km']} N={r['add']}: {r['spopt']['coverage_mismatches']} candidate(s) whose "
                  "coverage from the coordinates differs from the exported covers", file=sys.stderr)
        if r["spopt"]["with_fixed"]["coverage_mismatches"]:
            print(f"warning: r={r['radius_km']} N={r['add']}: {r['spopt']['with_fixed']['coverage_mismatches']} fixed "
                  "site(s) whose covers miss demand within the radius of its base", file=sys.stderr)
    n = len(results)
    print("Objective: babies newly covered (demand the fixed sites cover weighted 0)\n")
    print(table(results))
    same = sum(r["exact_equal"] for r in results)
    within = sum(r["greedy_gap_percent"] <= 1.0 for r in results)
    swap_within = sum(r["swap_gap_percent"] <= 1.0 for r in results)
    print(f"\ncovgap exact equals spopt MCLP in {same} of {n}; "
          f"greedy within 1% in {within} of {n}; greedy + swaps within 1% in {swap_within} of {n}")
    print("\nObjective: all babies covered once the plan is built (existing teams held open by spopt)\n")
    print(table_all_babies(results))
    all_same = sum(r["all_babies"]["exact_equal"] for r in results)
    all_within = sum(r["all_babies"]["greedy_gap_percent"] <= 1.0 for r in results)
    all_swap = sum(r["all_babies"]["swap_gap_percent"] <= 1.0 for r in results)
    print(f"\nspopt with the teams held open equals covered + covgap exact in {all_same} of {n}; "
          f"greedy within 1% in {all_within} of {n}; greedy + swaps within 1% in {all_swap} of {n}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if same == n and all_same == n else 1


if __name__ == "__main__":
    sys.exit(main())
