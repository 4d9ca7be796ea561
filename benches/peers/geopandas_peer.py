#!/usr/bin/env python3
"""The GeoPandas peer for benches/compare.sh: the same three workloads as covgap, written the
way a GIS analyst would in GeoPandas (sjoin predicate="within", sjoin_nearest).

  geopandas_peer.py run        REPO OUTDIR              # workload 1: districts, teams, coverage
  geopandas_peer.py postcodes  REPO POSTCODES OUTCSV    # workload 2: every postcode
  geopandas_peer.py small      REPO OUTDIR LSOA DZ LSOA_CSV DZ_CSV   # workload 3: small areas

Coverage (which districts a counted team covers) is decided as covgap decides it: the
districts a team's row names, else the district holding its base; evidence pif_named or
service_confirmed. Distances are on British National Grid (EPSG:27700) to the nearest covered
district polygon (0 inside one).
"""
import sys

import geopandas as gpd
import numpy as np
import pandas as pd

COUNTED = {"pif_named", "service_confirmed"}


def districts(repo):
    d = gpd.read_file(f"{repo}/data/boundaries/lad_may2024_uk_buc.geojson", engine="pyogrio")
    d = d.rename(columns={"LAD24CD": "code", "LAD24NM": "name"})[["code", "name", "geometry"]]
    return d.sort_values("code").reset_index(drop=True)


def coverage(repo, d):
    """Per district: the first counted team (list order) covering it, or None."""
    teams = pd.read_csv(f"{repo}/data/teams.csv", dtype=str).fillna("")
    first = {}
    for _, t in teams.iterrows():
        if t["evidence"].strip().lower() not in COUNTED:
            continue
        codes = [c.strip() for c in t["areas_served"].split(";") if c.strip()]
        if not codes and t["latitude"] and t["longitude"]:
            pt = gpd.GeoDataFrame(geometry=gpd.points_from_xy([float(t["longitude"])], [float(t["latitude"])]), crs=4326)
            hit = gpd.sjoin(pt, d, predicate="within")
            codes = list(hit["code"])
        for c in codes:
            first.setdefault(c, t["name"])
    return first


def covered_layer(d, first):
    cov = d[d["code"].isin(first.keys())].to_crs(27700).copy()
    cov["nearest_team"] = cov["code"].map(first)
    return cov[["nearest_team", "geometry"]]


def nearest(points_bng, cov):
    """Distance (km) and team of the nearest covered district for each point."""
    j = gpd.sjoin_nearest(points_bng[["geometry"]], cov, how="left", distance_col="dist_m")
    j = j[~j.index.duplicated(keep="first")]
    return j["nearest_team"], j["dist_m"] / 1000.0


def run(repo, out):
    import os
    os.makedirs(out, exist_ok=True)
    d = districts(repo)
    areas = pd.read_csv(f"{repo}/data/areas.csv", dtype={"code": str})
    d = d.merge(areas[["code", "nation", "births"]], on="code", how="left")
    first = coverage(repo, d)
    d["covered"] = d["code"].isin(first.keys())
    cov = covered_layer(d, first)
    pts = gpd.GeoDataFrame(d[["code"]], geometry=d.to_crs(27700).representative_point(), crs=27700)
    team, km = nearest(pts, cov)
    d["nearest_team"], d["nearest_team_km"] = team.values, km.round(1).values
    d.to_file(f"{out}/areas.geojson", driver="GeoJSON", engine="pyogrio")
    gaps = d[~d["covered"]].sort_values(["births", "code"], ascending=[False, True])
    gaps.drop(columns="geometry").to_csv(f"{out}/gaps.csv", index=False)
    roll = d.groupby("nation").agg(areas=("code", "size"), covered=("covered", "sum"), births=("births", "sum"))
    roll.to_csv(f"{out}/rollups.csv")


def postcodes(repo, path, out):
    d = districts(repo)
    first = coverage(repo, d)
    cov = covered_layer(d, first)
    df = pd.read_csv(path, usecols=["postcode", "latitude", "longitude"], dtype={"postcode": str})
    pts = gpd.GeoDataFrame(df[["postcode"]], geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs=4326)
    j = gpd.sjoin(pts, d[["code", "name", "geometry"]], how="left", predicate="within")
    j = j[~j.index.duplicated(keep="first")]
    res = pd.DataFrame({"postcode": df["postcode"], "area_code": j["code"], "area_name": j["name"]})
    team, km = nearest(pts.to_crs(27700), cov)
    res["nearest_team"] = team.values
    res["nearest_team_km"] = km.round(2).values
    res.to_csv(out, index=False)


BANDS = ["babies_covered", "babies_within_10km", "babies_10_to_25km", "babies_25_to_50km", "babies_over_50km"]


def band(covered, km):
    return np.select(
        [covered, km <= 10, km <= 25, km <= 50],
        BANDS[:4],
        default=BANDS[4],
    )


def small(repo, out, lsoa, dz, lsoa_csv, dz_csv):
    import os
    os.makedirs(out, exist_ok=True)
    d = districts(repo)
    first = coverage(repo, d)
    cov = covered_layer(d, first)
    sa = pd.concat([
        gpd.read_file(lsoa, engine="pyogrio").rename(columns={"lsoa11_code": "code", "lsoa11_name": "name"}),
        gpd.read_file(dz, engine="pyogrio").rename(columns={"dz11_code": "code", "dz11_name": "name"}),
    ], ignore_index=True)[["code", "name", "geometry"]]
    figs = pd.concat([
        pd.read_csv(lsoa_csv, usecols=["lsoa11_code", "age_0"]).rename(columns={"lsoa11_code": "code"}),
        pd.read_csv(dz_csv, usecols=["dz11_code", "age_0"]).rename(columns={"dz11_code": "code"}),
    ])
    sa = sa.merge(figs, on="code", how="left")
    # The point on surface found on the grid, as covgap and QGIS find it (found in degrees it
    # can lie kilometres away, in another district).
    pts = gpd.GeoDataFrame(
        sa[["code", "age_0"]], geometry=sa.to_crs(27700).representative_point(), crs=27700
    ).to_crs(4326)
    j = gpd.sjoin(pts, d[["code", "geometry"]].rename(columns={"code": "district"}), how="left", predicate="within")
    j = j[~j.index.duplicated(keep="first")]
    pts["district"] = j["district"]
    pts_bng = pts.to_crs(27700)
    # Points outside every district (generalised coast): the nearest district.
    lost = pts["district"].isna()
    if lost.any():
        n = gpd.sjoin_nearest(pts_bng[lost][["geometry"]], d.to_crs(27700)[["code", "geometry"]], how="left")
        n = n[~n.index.duplicated(keep="first")]
        pts.loc[lost, "district"] = n["code"]
    team, km = nearest(pts_bng, cov)
    pts["nearest_team"], pts["km"] = team.values, km.values
    covered = pts["district"].isin(first.keys())
    pts["band"] = band(covered.values, pts["km"].values)
    # Figure-weighted centroid per district.
    xy = pts_bng.geometry
    w = pts["age_0"].fillna(0)
    cen = pd.DataFrame({"district": pts["district"], "wx": xy.x * w, "wy": xy.y * w, "w": w}).groupby("district").sum()
    cen["x"], cen["y"] = cen["wx"] / cen["w"], cen["wy"] / cen["w"]
    cen[["x", "y"]].to_csv(f"{out}/weighted_centroids.csv")
    tab = pts.pivot_table(index="district", columns="band", values="age_0", aggfunc="sum", fill_value=0)
    tab.to_csv(f"{out}/bands_by_district.csv")
    out_sa = gpd.GeoDataFrame(pts.drop(columns="geometry").merge(sa[["code", "geometry"]], on="code"), crs=4326)
    out_sa.to_file(f"{out}/small_areas.geojson", driver="GeoJSON", engine="pyogrio")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"run": run, "postcodes": postcodes, "small": small}[cmd](*args)
