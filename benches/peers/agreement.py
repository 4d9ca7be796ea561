#!/usr/bin/env python3
"""Agreement checks for benches/compare.sh.

  agreement.py postcodes COVGAP_CSV GEOPANDAS_CSV POSTCODES_GZ DISTRICTS_GEOJSON [QGIS_CSV]
      District per postcode: covgap vs GeoPandas (same polygons), covgap vs ONS's lad25cd
      (E08000038 -> E08000016 Barnsley and E08000039 -> E08000019 Sheffield first, the 2025
      codes the LAD 2024 boundaries predate), and nearest-team distance differences.
  agreement.py districts COVGAP_GAPS_CSV GEOPANDAS_GAPS_CSV
      Workload 1: the same districts without a team, and the nearest-team distance of each
      (both measured from GEOS's PointOnSurface, to the nearest covered district).
  agreement.py small COVGAP_SMALL_AREAS_GEOJSON GEOPANDAS_SMALL_AREAS_GEOJSON COVGAP_SUMMARY_JSON
      Small-area district and band per small area, and the UK band totals.

Prints Markdown lines for BENCHMARKS.md.
"""
import json
import sys

import geopandas as gpd
import pandas as pd

LAD25_TO_24 = {"E08000038": "E08000016", "E08000039": "E08000019"}


def postcodes(cov_csv, gp_csv, pc_gz, districts, qgis_csv=None):
    c = pd.read_csv(cov_csv, usecols=["postcode", "area_code", "nearest_team_km"], dtype=str, encoding="utf-8-sig")
    g = pd.read_csv(gp_csv, usecols=["postcode", "area_code", "nearest_team_km"], dtype=str)
    ons = pd.read_csv(pc_gz, usecols=["postcode", "latitude", "longitude", "lad25cd"], dtype={"postcode": str, "lad25cd": str})
    assert len(c) == len(g) == len(ons), (len(c), len(g), len(ons))
    assert (c["postcode"].values == ons["postcode"].values).all(), "covgap output is not in input order"
    n = len(c)
    ca, ga = c["area_code"].fillna(""), g["area_code"].fillna("")
    same = (ca.values == ga.values)
    print(f"- Postcodes: {n:,}.")
    print(f"- covgap and GeoPandas (`sjoin`, `predicate=\"within\"`) give the same district for **{same.sum():,}** ({100 * same.mean():.4f}%); both give none (outside every district) for {((ca == '') & (ga == '')).sum():,}.")
    diff = ~same
    if diff.any():
        d = pd.DataFrame({"postcode": c["postcode"][diff], "covgap": ca[diff], "geopandas": ga[diff],
                          "lon": ons["longitude"][diff].astype(float), "lat": ons["latitude"][diff].astype(float)})
        dist = gpd.read_file(districts, engine="pyogrio")
        pts = gpd.GeoDataFrame(d, geometry=gpd.points_from_xy(d["lon"], d["lat"]), crs=4326)
        on_edge = pts.geometry.apply(lambda p: bool(dist.boundary.intersects(p).any()))
        print(f"- They differ for {diff.sum():,} postcodes; {on_edge.sum():,} of them lie exactly on a district boundary "
              f"(covgap gives a boundary point to the first district in code order, GeoPandas `within` gives none).")
        if (~on_edge).any():
            print(f"  Not on a boundary: {', '.join(d['postcode'][~on_edge].head(10))}.")
    ref = ons["lad25cd"].fillna("").replace(LAD25_TO_24)
    agree = ca.values == ref.values
    inside = ca.values != ""
    print(f"- covgap agrees with ONS's own district (lad25cd, 2025 Barnsley/Sheffield codes mapped back) for **{agree.sum():,}** "
          f"({100 * agree.mean():.3f}%); {(~inside).sum():,} postcodes fall outside every generalised (BUC) boundary; "
          f"of those inside one, {100 * agree[inside].mean():.3f}% agree. The rest lie near district borders, where the "
          f"ultra-generalised boundaries move the line by up to hundreds of metres.")
    ck = pd.to_numeric(c["nearest_team_km"], errors="coerce")
    gk = pd.to_numeric(g["nearest_team_km"], errors="coerce")
    both = same & ck.notna().values & gk.notna().values
    dk = (ck - gk).abs()[both]
    print(f"- Nearest-team distance, where the district agrees: median |covgap - GeoPandas| {dk.median():.3f} km, "
          f"99.9th percentile {dk.quantile(0.999):.3f} km, max {dk.max():.3f} km (both to 10 m).")
    if qgis_csv:
        q = pd.read_csv(qgis_csv, usecols=["postcode", "LAD24CD", "distance"], dtype=str)
        # joinbynearest writes a point twice when two covered districts are equally near.
        q = q.drop_duplicates("postcode")
        qa = q.set_index("postcode")["LAD24CD"].fillna("").reindex(c["postcode"]).fillna("")
        qs = qa.values == ca.values
        print(f"- covgap and QGIS (`native:joinattributesbylocation`, within) give the same district for **{qs.sum():,}** ({100 * qs.mean():.4f}%).")
        qd = pd.to_numeric(q.set_index("postcode")["distance"].reindex(c["postcode"]), errors="coerce").values / 1000.0
        dq = abs(ck.values - qd)
        dq = dq[~pd.isna(dq)]
        print(f"- Nearest-team distance vs QGIS (`native:joinbynearest`): max |covgap - QGIS| {dq.max():.3f} km over {len(dq):,} postcodes (covgap rounds to 10 m).")


def districts(cov_csv, gp_csv):
    c = pd.read_csv(cov_csv, usecols=["code", "nearest_team_km"], dtype={"code": str}, encoding="utf-8-sig")
    g = pd.read_csv(gp_csv, usecols=["code", "nearest_team_km"], dtype={"code": str})
    m = c.merge(g, on="code", how="outer", suffixes=("_covgap", "_gp"), indicator=True)
    both = m[m["_merge"] == "both"]
    d = (both["nearest_team_km_covgap"] - both["nearest_team_km_gp"]).abs()
    print(f"- Default run: {len(c):,} districts without a team in covgap, {len(g):,} in GeoPandas, {len(both):,} in both; "
          f"nearest-team distance max |covgap - GeoPandas| {d.max():.3f} km, the same (to 0.1 km) for {(d < 0.05).sum():,}.")


def small(cov_geojson, gp_geojson, summary_json):
    c = gpd.read_file(cov_geojson, engine="pyogrio").set_index("code")
    g = gpd.read_file(gp_geojson, engine="pyogrio").set_index("code")
    m = c.join(g[["district", "band"]].rename(columns={"band": "gp_band"}), how="inner")
    print(f"- Small areas: {len(c):,}; same district as GeoPandas for {(m['district_code'] == m['district']).sum():,}; "
          f"same band for {(m['band'] == m['gp_band']).sum():,}.")
    s = json.load(open(summary_json))
    b = s["small_areas"]["distance_bands"]
    gp = g.groupby("band")["age_0"].sum()
    row = " | ".join(f"{k.replace('babies_', '')}: {b[k]:,} / {int(gp.get(k, 0)):,}" for k in
                     ["babies_covered", "babies_within_10km", "babies_10_to_25km", "babies_25_to_50km", "babies_over_50km"])
    print(f"- UK babies by band, covgap / GeoPandas: {row}.")


if __name__ == "__main__":
    {"postcodes": postcodes, "districts": districts, "small": small}[sys.argv[1]](*sys.argv[2:])
