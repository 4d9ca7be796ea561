#!/usr/bin/env python3
"""LSOAs given as boundaries against the same LSOAs given as small areas: the same coverage?

With areas smaller than districts as boundaries, a team of a district-level list counts for
every area lying in the districts it serves (README, "Districts drawn in smaller areas";
src/load/names.rs, `Districts::lying_in`). Small areas of the built-in districts are placed in the
district holding their representative point and covered when it is (src/small_areas.rs). This
script runs covgap both ways on the England and Wales LSOAs (2011) and their age-0 figures,
with the built-in team list, and compares, LSOA by LSOA:

  - covered or not (areas.geojson's `covered` against small_areas.geojson's band);
  - for those not covered, the distance to the nearest team (the LSOAs' outlines and the
    districts' are generalised differently, so these differ a little) and whether the nearest
    team is the same one.

It reads ../shared/data/small_areas (not needed by covgap itself or its tests). Run from the
repository root after `cargo build --release`:

    python3 scripts/check_smaller_areas.py
    python3 scripts/check_smaller_areas.py --covgap OTHER_BINARY --shared /path/to/shared/data

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--covgap", default=os.path.join(ROOT, "target", "release", "covgap"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    args = ap.parse_args()
    lsoas = os.path.join(args.shared, "small_areas", "lsoa11_ew_bsc_simplified.geojson")
    figures = os.path.join(args.shared, "small_areas", "ons_sape_mid2020_lsoa11_ew_age0to4.csv")
    for f in (args.covgap, lsoas, figures):
        if not os.path.exists(f):
            print(f"not found: {f}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        as_boundaries = os.path.join(tmp, "boundaries")
        as_small_areas = os.path.join(tmp, "small_areas")
        subprocess.run(
            [args.covgap, "run", "-q", "--boundaries", lsoas, "--births", figures,
             "--births-code-column", "lsoa11_code", "--births-column", "age_0",
             "--out", as_boundaries],
            check=True,
        )
        subprocess.run(
            [args.covgap, "run", "-q", "--small-areas", lsoas, "--small-area-figures", figures,
             "--small-areas-geojson", "--out", as_small_areas],
            check=True,
        )
        with open(os.path.join(as_boundaries, "areas.geojson"), encoding="utf-8") as f:
            areas = {x["properties"]["code"]: x["properties"] for x in json.load(f)["features"]}
        with open(os.path.join(as_small_areas, "small_areas.geojson"), encoding="utf-8") as f:
            small = [x["properties"] for x in json.load(f)["features"]]

    same = differ = 0
    gaps: list[tuple[float, str, str, str]] = []
    for p in small:
        a = areas.get(p["code"])
        if a is None:
            continue
        covered = p["band"] == "babies_covered"
        if covered == a["covered"]:
            same += 1
        else:
            differ += 1
            print(f"differs: {p['code']} {p['name']}: as small area covered={covered}, "
                  f"as boundary covered={a['covered']}")
        if not covered and not a["covered"] and a["nearest_team_km"] is not None:
            gaps.append((abs(a["nearest_team_km"] - p["nearest_team_km"]), p["code"],
                         a["nearest_team"], p["nearest_team"]))
    print(f"LSOAs in both runs: {same + differ}; same coverage: {same}; different: {differ}")
    if gaps:
        d = [g[0] for g in gaps]
        print(f"LSOAs with no team: {len(gaps)}; distance to the nearest team differs by a median "
              f"of {statistics.median(d):.2f} km, at most {max(d):.2f} km; the nearest team "
              f"differs for {sum(1 for g in gaps if g[2] != g[3])} (near ties)")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
