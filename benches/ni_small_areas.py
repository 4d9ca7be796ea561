#!/usr/bin/env python3
"""Small areas for Northern Ireland on its own grids, to time covgap reading small areas on them.

../shared/data holds no Northern Irish small areas (its small_areas/PROVENANCE.md says so), so
this makes stand-ins of the same size as Scotland's Data Zones there: 6,976 Voronoi cells round
postcodes drawn (seeded) from Northern Ireland's in the postcode directory
(../shared/data/postcodes), clipped to the built-in Northern Irish districts
(data/boundaries/lad_may2024_uk_buc.geojson) and cut into edges of at most 130 m, so that they
average about as many positions as the Data Zones file (38); each is given the number of
postcodes in it as its `age_0`. They are written as GeoJSON with the system stated, on the Irish
Grid (EPSG:29903), the Irish Transverse Mercator (EPSG:2157) and WGS84, by pyproj and shapely.
The cells are stand-ins for timing, not Northern Ireland's census small areas.

    python3 benches/ni_small_areas.py [--shared ../shared/data] [--out target/ni_small_areas]

then, for each grid (see BENCHMARKS.md, "Small areas on Northern Ireland's grids"):

    covgap run -q --small-areas OUT/ni_sa_irish_grid.geojson \\
        --small-area-figures OUT/ni_sa_figures.csv --out /tmp/x
"""
import argparse
import csv
import gzip
import json
import os
import random
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
CELLS = 6976
# Longest edge, in metres: about as many positions per small area as the Data Zones file.
EDGE = 130.0


def transform(t, g):
    """`g` with every position transformed by pyproj Transformer `t`."""
    return shapely.transform(g, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "ni_small_areas")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    to_grid = Transformer.from_crs(4326, 29903, always_xy=True)
    lad = json.load(open(ROOT / "data/boundaries/lad_may2024_uk_buc.geojson"))
    ni = unary_union([transform(to_grid, shape(f["geometry"])) for f in lad["features"]
                      if f["properties"]["LAD24CD"].startswith("N")])

    # Northern Ireland's postcodes with a grid reference (on the Irish Grid in the directory).
    points = []
    with gzip.open(args.shared / "postcodes/postcodes_uk_nspd_nov2025.csv.gz", "rt", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["postcode"].startswith("BT") and r["grid_epsg"] == "29903" and r["easting"] and r["northing"]:
                points.append((float(r["easting"]), float(r["northing"])))
    seeds = random.Random(2157).sample(sorted(set(points)), CELLS)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=ni.envelope.buffer(5000))
    tree = shapely.STRtree([shapely.Point(p) for p in points])

    features, figures, wgs, itm = [], [], [], []
    to_wgs = Transformer.from_crs(29903, 4326, always_xy=True)
    to_itm = Transformer.from_crs(29903, 2157, always_xy=True)
    for i, cell in enumerate(shapely.get_parts(cells)):
        g = cell.intersection(ni)
        if g.is_empty or g.area < 1.0:
            continue
        g = shapely.segmentize(g, EDGE)
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            g = unary_union([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"])
        code = f"N0{i:07d}"
        props = {"code": code, "name": f"Cell {i}"}
        features.append({"type": "Feature", "properties": props, "geometry": mapping(g)})
        itm.append({"type": "Feature", "properties": props, "geometry": mapping(transform(to_itm, g))})
        wgs.append({"type": "Feature", "properties": props, "geometry": mapping(transform(to_wgs, g))})
        figures.append((code, len(tree.query(g, predicate="contains"))))

    def write(name, feats, crs):
        d = {"type": "FeatureCollection"}
        if crs:
            d["crs"] = {"type": "name", "properties": {"name": crs}}
        d["features"] = feats
        with open(args.out / name, "w") as f:
            json.dump(d, f, separators=(",", ":"))

    write("ni_sa_irish_grid.geojson", features, "urn:ogc:def:crs:EPSG::29903")
    write("ni_sa_itm.geojson", itm, "urn:ogc:def:crs:EPSG::2157")
    write("ni_sa_wgs84.geojson", wgs, None)
    with open(args.out / "ni_sa_figures.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "age_0"])
        w.writerows(figures)
    positions = sum(len(shapely.get_coordinates(shape(f["geometry"]))) for f in features)
    print(f"{len(features)} small areas, {positions} positions ({positions / len(features):.1f} each), "
          f"{sum(n for _, n in figures)} postcodes, in {args.out}")


if __name__ == "__main__":
    main()
