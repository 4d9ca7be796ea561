#!/usr/bin/env python3
"""How well covgap places small areas just outside the boundaries given, against ONS's lookups.

A small area whose representative point lies outside every area given but within 2 km of one is
put in the nearest area (off a generalised coast) or left out (across a land border), judged by
the built-in districts (README, "Across a land border"; src/land.rs). This script runs covgap
with the England and Wales LSOAs (2011) and their 0-4 figures on boundaries for part of the UK,
and checks each of those small areas against where ONS's lookups put it:

  - the 42 Integrated Care Boards of ../shared/data/boundaries/health (one run each), against
    LSOA 2011 -> LSOA 2021 -> ICB 2024;
  - the built-in districts of Oxfordshire (tests/fixtures/boundaries/oxfordshire_wgs84.geojson),
    of England alone and of Wales alone, against LSOA 2011 -> LAD 2021 (as the figures file
    gives it, with the 2023 mergers applied through data/successors.csv).

A small area "right" is one put in the area the lookup gives it, or left out when the lookup
gives an area not among the boundaries. Only the small areas within 2 km outside every area are
counted here; those inside an area, or further out, are placed as before.

It reads ../shared/data (not needed by covgap itself or its tests). Run from the repository root
after `cargo build --release`:

    python3 scripts/check_land_borders.py                       # target/release/covgap
    python3 scripts/check_land_borders.py --covgap OTHER_BINARY # another build, to compare
    python3 scripts/check_land_borders.py --shared /path/to/shared/data

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"  # --shared replaces it
OXON = ROOT / "tests" / "fixtures" / "boundaries" / "oxfordshire_wgs84.geojson"


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def lookups() -> tuple[dict[str, str], dict[str, str]]:
    """LSOA 2011 -> ICB 2024 and LSOA 2011 -> current district."""
    # Two ICBs changed code in 2024 (Surrey Heartlands and Sussex, after a boundary change
    # between them): the 2024 code is read as the 2022 one of the same name.
    renamed = {"E54000063": "E54000052", "E54000064": "E54000053"}
    lsoa21_icb = {r["lsoa21_code"]: renamed.get(r["icb24_code"], r["icb24_code"])
                  for r in read_csv(SHARED / "lookups" / "lsoa21_to_sicbl24_icb24_england_ons.csv")}
    to_icb = {}
    for r in read_csv(SHARED / "lookups" / "lsoa11_to_lsoa21_lad22_ew_ons.csv"):
        icb = lsoa21_icb.get(r["lsoa21_code"])
        if icb:
            to_icb.setdefault(r["lsoa11_code"], icb)
    successor = {r["old_code"]: r["new_code"] for r in read_csv(ROOT / "data" / "successors.csv")}
    to_lad = {r["lsoa11_code"]: successor.get(r["ltla21_code"], r["ltla21_code"])
              for r in read_csv(SHARED / "lookups" / "lsoa11_to_lad21_ew_ons.csv")}
    return to_icb, to_lad


def kilometres(a: list[float], b: list[float]) -> float:
    """Great-circle distance between two WGS84 positions (haversine, mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[1], a[0], b[1], b[0]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def coarseness(features: list[dict]) -> tuple[int, int, float, float]:
    """The fewest and most outer-ring corners of the features, and the least and greatest mean
    side (km, over every ring)."""
    corners, sides = [], []
    for f in features:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        rings = [r for p in polys for r in p]
        corners.append(sum(len(p[0]) - 1 for p in polys))
        n = sum(len(r) - 1 for r in rings)
        sides.append(sum(kilometres(r[k], r[k + 1]) for r in rings for k in range(len(r) - 1)) / n)
    return min(corners), max(corners), min(sides), max(sides)


def write(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def run(covgap: str, boundaries: Path, births: Path | None, extra: list[str], out: Path) -> None:
    sa = SHARED / "small_areas"
    cmd = [covgap, "run", "-q", "--boundaries", str(boundaries),
           "--small-areas", str(sa / "lsoa11_ew_bsc_simplified.geojson"),
           "--small-area-figures", str(sa / "ons_sape_mid2020_lsoa11_ew_age0to4.csv"),
           "--small-areas-geojson", "--out", str(out)] + extra
    if births:
        cmd += ["--births", str(births)]
    subprocess.run(cmd, check=True)


def judge(out: Path, truth: dict[str, str], tally: collections.Counter) -> None:
    """Counts the small areas within 2 km outside into `tally`, by kind and right or wrong, and
    over every small area: how many, and their babies, covgap places in the areas given and
    ONS's lookup puts there ("placed" and "lookup"), and those placed where the lookup does not
    put them ("misplaced")."""
    given = {f["properties"]["code"]
             for f in json.loads((out / "areas.geojson").read_text())["features"]}
    for f in json.loads((out / "small_areas.geojson").read_text())["features"]:
        p = f["properties"]
        true = truth.get(p["code"])
        babies = p["figure"] or 0
        if p["district_code"] is not None:
            tally["placed"] += 1
            tally["placed babies"] += babies
            if true is not None and p["district_code"] != true:
                tally["misplaced"] += 1
                tally["misplaced babies"] += babies
        if true in given:
            tally["lookup"] += 1
            tally["lookup babies"] += babies
        placed = p["placed"]
        if placed.startswith("nearest district"):
            kind = "put in the nearest area"
        elif "across a land border" in placed:
            kind = "left out, across a land border"
        else:
            continue
        if true is None:
            continue
        right = p["district_code"] == true if true in given else p["district_code"] is None
        tally[(kind, "right" if right else "wrong")] += 1


def main() -> int:
    global SHARED
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    ap.add_argument("--covgap", default=str(target / "release" / "covgap"),
                    help="the covgap binary (default: the release build, under $CARGO_TARGET_DIR if set)")
    ap.add_argument("--shared", type=Path, default=SHARED,
                    help="raw shared data folder (default: ../shared/data from the repository root)")
    args = ap.parse_args()
    SHARED = args.shared.resolve()
    to_icb, to_lad = lookups()
    areas = read_csv(ROOT / "data" / "areas.csv")
    # Births per ICB from the built-in districts' ICBs (Surrey Heartlands and Sussex, under
    # other codes there, get 0: only the small areas' placing is checked).
    icb_births = collections.Counter({f["properties"]["icb22_code"]: 0 for f in
                                      json.loads((SHARED / "boundaries" / "health" / "icb_jul2022_england_buc.geojson").read_text())["features"]})
    for r in areas:
        if r["icb_code"] and r["births"]:
            icb_births[r["icb_code"]] += int(r["births"])
    built_in = json.loads((ROOT / "data" / "boundaries" / "lad_may2024_uk_buc.geojson").read_text())
    icbs = json.loads((SHARED / "boundaries" / "health" / "icb_jul2022_england_buc.geojson").read_text())

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        births = tmp / "icb_births.csv"
        births.write_text("code,births\n" + "".join(f"{c},{n}\n" for c, n in sorted(icb_births.items())))
        tally = collections.Counter()
        for f in icbs["features"]:
            b = write(tmp / "icb.geojson", [f])
            run(args.covgap, b, births, ["--code-field", "icb22_code", "--name-field", "icb22_name"], tmp / "out")
            judge(tmp / "out", to_icb, tally)
        rows.append(("each of the 42 ICBs", tally))
        for name, boundaries in [
            ("Oxfordshire's districts", OXON),
            ("England's districts", write(tmp / "e.geojson", [f for f in built_in["features"] if f["properties"]["LAD24CD"].startswith("E")])),
            ("Wales's districts", write(tmp / "w.geojson", [f for f in built_in["features"] if f["properties"]["LAD24CD"].startswith("W")])),
        ]:
            tally = collections.Counter()
            run(args.covgap, boundaries, None, [], tmp / "out")
            judge(tmp / "out", to_lad, tally)
            rows.append((name, tally))

    print(f"covgap: {args.covgap}")
    c0, c1, s0, s1 = coarseness(icbs["features"])
    print(f"ICB boundaries: {c0} to {c1} outer corners each; mean side {s0:.1f} to {s1:.1f} km")
    print("| boundaries | put in the nearest area: right / wrong | left out across a land border: right / wrong |")
    print("|---|---:|---:|")
    for name, t in rows:
        near = f"{t[('put in the nearest area', 'right')]} / {t[('put in the nearest area', 'wrong')]}"
        across = f"{t[('left out, across a land border', 'right')]} / {t[('left out, across a land border', 'wrong')]}"
        print(f"| {name} | {near} | {across} |")
    print()
    print("Over every small area: placed in the areas given by covgap, and put there by ONS's lookup")
    print("| boundaries | placed: small areas (babies) | by the lookup | placed where the lookup does not put them |")
    print("|---|---:|---:|---:|")
    for name, t in rows:
        print(f"| {name} | {t['placed']:,} ({t['placed babies']:,}) | {t['lookup']:,} ({t['lookup babies']:,}) "
              f"| {t['misplaced']:,} ({t['misplaced babies']:,}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
