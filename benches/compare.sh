#!/usr/bin/env bash
# Runs covgap, GeoPandas and QGIS on the same data in the same run, records wall time and
# peak memory (GNU time -v) of each, and checks that they agree.
#
#   benches/compare.sh [DATA_DIR] [OUT_DIR]
#
# DATA_DIR defaults to ../shared/data next to the repository (the project's raw UK data:
# postcodes/ and small_areas/ are read from it). OUT_DIR defaults to target/compare.
# Needs: cargo; /usr/bin/time; python3 with geopandas, pyogrio and shapely
# (pip install geopandas pyogrio shapely); QGIS's qgis_process (apt-get install qgis
# qgis-providers), run headless with QT_QPA_PLATFORM=offscreen. A peer that is missing is
# skipped with a note. Set SKIP_QGIS_POSTCODES=1 to leave out QGIS's slowest run, and
# QGIS_TIMEOUT (seconds, default 3600) to bound it.
#
# Workloads:
#   1. the default `covgap run` (361 districts, built-in births and teams);
#   2. all 2,696,397 UK postcodes (gzipped CSV) to districts plus nearest team;
#   3. the 41,729 LSOAs and Data Zones with population aged 0: districts, nearest team,
#      distance bands, weighted centroids.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${1:-$ROOT/../shared/data}
OUT=${2:-$ROOT/target/compare}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PC="$DATA/postcodes/postcodes_uk_nspd_nov2025.csv.gz"
SA="$DATA/small_areas"
LSOA="$SA/lsoa11_ew_bsc_simplified.geojson"
DZ="$SA/dz11_scotland_simplified.geojson"
LSOA_CSV="$SA/ons_sape_mid2020_lsoa11_ew_age0to4.csv"
DZ_CSV="$SA/nrs_sape_2020_dz11_scotland_age0to4.csv"
LAD="$ROOT/data/boundaries/lad_may2024_uk_buc.geojson"
PEER="$ROOT/benches/peers/geopandas_peer.py"
for f in "$PC" "$LSOA" "$DZ" "$LSOA_CSV" "$DZ_CSV"; do
  [ -r "$f" ] || { echo "compare.sh: $f is missing (give the data folder as the first argument)" >&2; exit 1; }
done

(cd "$ROOT" && cargo build --release --quiet)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/covgap"
RESULTS="$OUT/results.tsv"
printf 'workload\ttool\twall_s\tpeak_mb\tstatus\n' > "$RESULTS"

# measure WORKLOAD TOOL COMMAND...: runs it under GNU time RUNS times (default 1), appends a
# row with the median wall time and the largest peak memory. Workload 1 takes well under a
# second for covgap, where one run swings by tens of milliseconds with the machine, so it is
# run W1_RUNS times (default 11) by every tool.
measure() {
  local w=$1 tool=$2; shift 2
  local tag="w${w}-${tool}" runs=${RUNS:-1}
  local status=ok i walls="" rss=0 wall r
  for ((i = 1; i <= runs; i++)); do
    /usr/bin/time -v -o "$OUT/$tag.time" "$@" > "$OUT/$tag.log" 2>&1 || status="failed (see $tag.log)"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/$tag.time")
    r=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$OUT/$tag.time")
    walls="$walls $wall"
    if [ "${r:-0}" -gt "$rss" ]; then rss=$r; fi
  done
  wall=$(echo $walls | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%s\t%s\t%s\t%s\t%s\n' "$w" "$tool" "$wall" "$rss" "$status" >> "$RESULTS"
  echo "workload $w, $tool: ${wall}s (median of $runs:$walls), ${rss} MB, $status" >&2
}
W1_RUNS=${W1_RUNS:-11}

# A sequence of commands timed as one (QGIS runs one algorithm per qgis_process call).
steps() { local all="" f; for f in "$@"; do all="${all:+$all && }$f"; done; echo "$all"; }

# --- covgap ---------------------------------------------------------------------------
RUNS=$W1_RUNS measure 1 covgap "$BIN" run --out "$OUT/w1-covgap" -q
measure 2 covgap "$BIN" assign --points "$PC" --out "$OUT/w2-covgap.csv" --keep-columns postcode -q
measure 3 covgap "$BIN" run --out "$OUT/w3-covgap" -q --small-areas "$LSOA,$DZ" \
  --small-area-figures "$LSOA_CSV,$DZ_CSV" --small-areas-geojson

# --- GeoPandas ------------------------------------------------------------------------
HAVE_GP=0
if python3 -c 'import geopandas, pyogrio, shapely' 2>/dev/null; then
  HAVE_GP=1
  RUNS=$W1_RUNS measure 1 geopandas python3 "$PEER" run "$ROOT" "$OUT/w1-geopandas"
  measure 2 geopandas python3 "$PEER" postcodes "$ROOT" "$PC" "$OUT/w2-geopandas.csv"
  measure 3 geopandas python3 "$PEER" small "$ROOT" "$OUT/w3-geopandas" "$LSOA" "$DZ" "$LSOA_CSV" "$DZ_CSV"
else
  echo "compare.sh: GeoPandas not installed (pip install geopandas pyogrio shapely); skipped" >&2
fi

# --- QGIS -----------------------------------------------------------------------------
# Debian's /usr/bin/qgis_process wrapper passes --noversioncheck, which QGIS 3.22's
# qgis_process does not accept; call the binary itself.
QP=$(command -v qgis_process.bin || command -v qgis_process || true)
HAVE_QGIS=0
if [ -n "$QP" ] && [ "$HAVE_GP" = 1 ]; then
  HAVE_QGIS=1
  export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$OUT/xdg"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  Q="$OUT/qgis"; rm -rf "$Q"; mkdir -p "$Q"
  # Untimed preparation: the covered districts on British National Grid with their first
  # team (coverage is decided from the team list as covgap decides it), and the small
  # areas in one layer with their figures.
  python3 - "$ROOT" "$Q" "$LSOA" "$DZ" "$LSOA_CSV" "$DZ_CSV" <<'PY'
import sys
sys.path.insert(0, sys.argv[1] + "/benches/peers")
import geopandas as gpd, pandas as pd
import geopandas_peer as p
root, q, lsoa, dz, lsoa_csv, dz_csv = sys.argv[1:]
d = p.districts(root)
p.covered_layer(d, p.coverage(root, d)).to_file(f"{q}/covered_bng.gpkg", driver="GPKG")
sa = pd.concat([
    gpd.read_file(lsoa).rename(columns={"lsoa11_code": "code"}),
    gpd.read_file(dz).rename(columns={"dz11_code": "code"}),
], ignore_index=True)[["code", "geometry"]]
f = pd.concat([
    pd.read_csv(lsoa_csv, usecols=["lsoa11_code", "age_0"]).rename(columns={"lsoa11_code": "code"}),
    pd.read_csv(dz_csv, usecols=["dz11_code", "age_0"]).rename(columns={"dz11_code": "code"}),
])
# On the grid, so that QGIS finds each point on surface there, as covgap and GeoPandas do.
sa.merge(f, on="code").to_crs(27700).to_file(f"{q}/small_areas.gpkg", driver="GPKG")
d.to_crs(27700).to_file(f"{q}/lad_bng.gpkg", driver="GPKG")
PY
  # The postcodes as a point layer read straight from the gzipped CSV by GDAL (an OGR
  # VRT: qgis_process does not take delimited-text URIs on its command line).
  cat > "$Q/postcodes.vrt" <<VRT
<OGRVRTDataSource>
  <OGRVRTLayer name="postcodes">
    <SrcDataSource>/vsigzip/$PC</SrcDataSource>
    <SrcLayer>$(basename "$PC" .csv.gz)</SrcLayer>
    <GeometryType>wkbPoint</GeometryType>
    <LayerSRS>EPSG:4326</LayerSRS>
    <GeometryField encoding="PointFromColumns" x="longitude" y="latitude"/>
  </OGRVRTLayer>
</OGRVRTDataSource>
VRT
  PTS="$Q/postcodes.vrt"
  RUNS=$W1_RUNS measure 1 qgis bash -c "$(steps \
    "rm -f '$Q/w1_bng.gpkg' '$Q/w1_pts.gpkg' '$Q/w1_out.csv'" \
    "'$QP' run native:reprojectlayer --INPUT='$LAD' --TARGET_CRS=EPSG:27700 --OUTPUT='$Q/w1_bng.gpkg'" \
    "'$QP' run native:pointonsurface --INPUT='$Q/w1_bng.gpkg' --OUTPUT='$Q/w1_pts.gpkg'" \
    "'$QP' run native:joinbynearest --INPUT='$Q/w1_pts.gpkg' --INPUT_2='$Q/covered_bng.gpkg' --FIELDS_TO_COPY=nearest_team --NEIGHBORS=1 --OUTPUT='$Q/w1_out.csv'")"
  if [ "${SKIP_QGIS_POSTCODES:-0}" != 1 ]; then
    # The points are first saved to GeoPackage (which carries a spatial index): joining
    # straight from the CSV makes QGIS scan every point once per district.
    measure 2 qgis timeout "${QGIS_TIMEOUT:-3600}" bash -c "$(steps \
      "'$QP' run native:reprojectlayer --INPUT='$PTS' --TARGET_CRS=EPSG:4326 --OUTPUT='$Q/w2_pts.gpkg'" \
      "'$QP' run native:joinattributesbylocation --INPUT='$Q/w2_pts.gpkg' --JOIN='$LAD' --PREDICATE=5 --METHOD=1 --OUTPUT='$Q/w2_join.gpkg'" \
      "'$QP' run native:reprojectlayer --INPUT='$Q/w2_join.gpkg' --TARGET_CRS=EPSG:27700 --OUTPUT='$Q/w2_bng.gpkg'" \
      "'$QP' run native:joinbynearest --INPUT='$Q/w2_bng.gpkg' --INPUT_2='$Q/covered_bng.gpkg' --FIELDS_TO_COPY=nearest_team --NEIGHBORS=1 --OUTPUT='$Q/w2_out.csv'")"
  fi
  measure 3 qgis bash -c "$(steps \
    "'$QP' run native:pointonsurface --INPUT='$Q/small_areas.gpkg' --OUTPUT='$Q/w3_pts.gpkg'" \
    "'$QP' run native:joinattributesbylocation --INPUT='$Q/w3_pts.gpkg' --JOIN='$Q/lad_bng.gpkg' --PREDICATE=5 --METHOD=1 --OUTPUT='$Q/w3_join.gpkg'" \
    "'$QP' run native:joinbynearest --INPUT='$Q/w3_join.gpkg' --INPUT_2='$Q/covered_bng.gpkg' --FIELDS_TO_COPY=nearest_team --NEIGHBORS=1 --OUTPUT='$Q/w3_out.csv'")"
else
  echo "compare.sh: qgis_process not found (apt-get install qgis qgis-providers); QGIS skipped" >&2
fi

# --- Agreement --------------------------------------------------------------------------
{
  echo "## Results ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| Workload | Tool | Wall time (s) | Peak memory (MB) | covgap faster by | Status |"
  echo "|---|---|---:|---:|---:|---|"
  awk -F'\t' 'NR>1 { if ($2=="covgap") base[$1]=$3; rows[NR]=$0 }
    END { for (i=2;i<=NR;i++) { split(rows[i],f,"\t"); r = (f[2]=="covgap" || f[3]==0 || f[5]!="ok") ? "" : sprintf("%.1fx", f[3]/base[f[1]]);
      printf "| %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[3], f[4], r, f[5] } }' "$RESULTS"
  echo
  if [ "$HAVE_GP" = 1 ]; then
    echo "### Agreement"
    echo
    QCSV=""
    [ "$HAVE_QGIS" = 1 ] && [ -r "$OUT/qgis/w2_out.csv" ] && QCSV="$OUT/qgis/w2_out.csv"
    python3 "$ROOT/benches/peers/agreement.py" districts "$OUT/w1-covgap/gaps.csv" "$OUT/w1-geopandas/gaps.csv"
    python3 "$ROOT/benches/peers/agreement.py" postcodes "$OUT/w2-covgap.csv" "$OUT/w2-geopandas.csv" "$PC" "$LAD" $QCSV
    python3 "$ROOT/benches/peers/agreement.py" small "$OUT/w3-covgap/small_areas.geojson" \
      "$OUT/w3-geopandas/small_areas.geojson" "$OUT/w3-covgap/summary.json"
  fi
} > "$OUT/results.md"
cat "$OUT/results.md"
