#!/usr/bin/env python3
"""The share of each boundary file's areas on the UK's land, read on British National Grid or
Northern Ireland's grids, as covgap measures it to tell the grids apart (README, "Coordinate
system"; src/load/areas.rs which_grid). These are the figures the README quotes: the UK's ICBs, Welsh
and Scottish health boards and Northern Irish trusts on British National Grid with no coordinate
system stated lie 97% or more on land; Northern Ireland's trusts on the Irish Grid with none
stated are refused, with the two shares (52% against 100%), and on the Irish Transverse Mercator
with none stated too (0% against 100%); stated as the Irish Grid (TM75 or TM65) or the Irish
Transverse Mercator, read.

It reads ../shared/data/boundaries (not needed by covgap itself or its tests) and needs GDAL's
ogr2ogr. Run from the repository root after `cargo build --release`:

    python3 scripts/check_grids.py [--shared ../shared/data] [--covgap target/release/covgap]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    ("ICBs (July 2022)", "health/icb_jul2022_england_buc.geojson"),
    ("Welsh health boards", "health/wales_local_health_boards_apr2022_bfc.geojson"),
    ("Scottish health boards", "health/scotland_nhs_health_boards_2019_simplified.geojson"),
    ("Northern Irish trusts", "health/ni_hsc_trusts_2018.geojson"),
]


def shares(covgap, path):
    """covgap check's lines on the share of the areas on land (notes, warnings or the error)."""
    out = subprocess.run([covgap, "check", "--boundaries", path], capture_output=True, text=True)
    said = [l for l in out.stderr.splitlines() if "of the areas lies on" in l]
    # "note: FILE: message", "warning: FILE: message", "covgap: FILE: message": the message.
    return [l.split(": ", 2)[-1] for l in said]


def main():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--covgap", type=Path, default=target / "release" / "covgap")
    args = ap.parse_args()
    boundaries = args.shared / "boundaries"
    with tempfile.TemporaryDirectory() as tmp:
        def reproject(src, epsg, name, keep_crs):
            dst = os.path.join(tmp, name)
            subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-lco", "RFC7946=NO", "-t_srs", f"EPSG:{epsg}", dst, str(src)],
                           check=True, capture_output=True)
            if not keep_crs:
                d = json.load(open(dst))
                d.pop("crs", None)
                json.dump(d, open(dst, "w"))
            return dst

        runs = [(f"{label}, British National Grid, no system stated", reproject(boundaries / rel, 27700, f"{i}.geojson", False))
                for i, (label, rel) in enumerate(FILES)]
        trusts = boundaries / "health/ni_hsc_trusts_2018.geojson"
        runs.append(("Northern Irish trusts, Irish Grid, no system stated", reproject(trusts, 29903, "ig.geojson", False)))
        runs.append(("Northern Irish trusts, Irish Grid, stated", reproject(trusts, 29903, "ig_crs.geojson", True)))
        runs.append(("Northern Irish trusts, TM65's Irish Grid, stated", reproject(trusts, 29902, "tm65_crs.geojson", True)))
        runs.append(("Northern Irish trusts, Irish Transverse Mercator, no system stated", reproject(trusts, 2157, "itm.geojson", False)))
        runs.append(("Northern Irish trusts, Irish Transverse Mercator, stated", reproject(trusts, 2157, "itm_crs.geojson", True)))
        for label, path in runs:
            print(f"{label}:")
            for line in shares(str(args.covgap), path):
                print(f"  {line[:330]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
