#!/usr/bin/env python3
"""Prepare covgap's processed data from the raw shared data.

covgap ships its own small, processed copies of the source data under data/ so that it builds and
runs without the raw data folder. This script makes them. It reads the raw inputs (default
../shared/data, relative to the repository root) plus one curated table kept in the repository
(data/prep/team_bases.csv) and writes:

  data/boundaries/lad_may2024_uk_buc.geojson
      the 361 Local Authority Districts (May 2024, UK, BUC, WGS84). Geometry tokens are copied
      byte for byte (6 dp); properties renamed to LAD24CD / LAD24NM; features sorted by code;
      compact JSON, one feature per line, no crs member.
  data/areas.csv
      one row per district (sorted by code): names, nation, region, upper-tier authority, ICB,
      health board / HSC trust, births (1 Jul 2019 - 30 Jun 2020), population aged 0 (mid-2022)
      and, for the Welsh districts, ONS's Welsh name (name_cy).
  data/teams.csv
      the 46 compiled parent-infant teams (source order kept) with district codes served,
      geocoded base (full postcode or postcode district) and last evidence.
  data/outcodes.csv
      the 3,078 postcode-district centroids (outcode, latitude, longitude), sorted by outcode.
  data/deprivation.csv
      one row per district (sorted by code): the share of its small areas in its own nation's most
      deprived 10% (English IMD 2025, WIMD 2019, SIMD 2020v2, NIMDM 2017), the need score that
      `covgap plan --rank-by need` weights births by.
  data/successors.csv
      the 28 districts abolished since the codes of April 2019: 4 on 1 April 2020
      (Buckinghamshire), 7 on 1 April 2021 (Northamptonshire), 17 on 1 April 2023 (Cumbria,
      North Yorkshire, Somerset; ONS LAD22 -> LAD23 lookup), with the district that replaced
      each and its number of 2011 LSOAs, so that figures, team lists and deprivation tables
      still in the older codes can be read against the current boundaries.
  data/icb_shares.csv
      for each of the 12 English districts split between ICBs, each ICB's share of its babies
      (population aged 0 at mid-2020 by LSOA 2011, placed through ONS's LSOA 2021 lookups).
  data/icb_small_areas.csv
      the ICB of each small area (LSOA 2011 and LSOA 2021 codes) of those 12 districts.
  data/small_areas_2011.csv
      every 2011 small area of England and Wales (LSOA 2011) and Scotland (Data Zone 2011), as
      runs of consecutive codes (first,last), so that covgap can tell boundaries of small areas
      for a whole nation from those for part of it.
  data/small_areas_2021.csv
      every 2021 small area of England and Wales (LSOA 2021), in the same form, since boundaries
      of small areas now mostly come in ONS's current LSOAs. Scotland's Data Zones 2022 and
      Northern Ireland's small areas are in none of the raw files.

It asserts the checks documented in data/SOURCES.md (361 districts, codes equal to the boundary
codes, births in every district equal to the source-level LAD 2021 extract summed to LAD23, UK
births 700,691, UK age 0 694,286, every served-area name matched, every base resolved)
and prints, for each located team, whether its base point falls inside one of its own districts
(ray-casting point-in-polygon on the boundary file).

Run from the repository root (Python 3.11, standard library only):

    python3 scripts/prepare_data.py                      # defaults below
    python3 scripts/prepare_data.py --shared ../shared/data --out data

The output is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

UK_BIRTHS_TOTAL = 700_691
UK_AGE0_TOTAL = 694_286
N_DISTRICTS = 361
N_TEAMS = 46
N_OUTCODES = 3_078

NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
# LAD25 codes in the postcode directory that differ from LAD23/LAD24 (2025 Barnsley/Sheffield change).
LAD25_TO_LAD24 = {"E08000038": "E08000016", "E08000039": "E08000019"}
NATION_BY_PREFIX = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
# Northern Ireland's five Health and Social Care Trusts by the codes of the district lookup.
HSC_TRUST_NAMES = {
    "BHSCT": "Belfast Health and Social Care Trust",
    "NHSCT": "Northern Health and Social Care Trust",
    "SEHSCT": "South Eastern Health and Social Care Trust",
    "SHSCT": "Southern Health and Social Care Trust",
    "WHSCT": "Western Health and Social Care Trust",
}

AREA_COLUMNS = [
    "code", "name", "nation", "region_code", "region_name", "utla_code", "utla_name",
    "icb_code", "icb_name", "health_board_code", "health_board_name", "births", "age0",
    "name_cy",
]
TEAM_COLUMNS = [
    "name", "host_org", "evidence", "nation", "areas_served", "base", "base_precision",
    "latitude", "longitude", "source_url", "last_evidence",
]
EVIDENCE_LEVELS = {"pif_named", "service_confirmed", "candidate", "unresolved", "closed"}

FULL_POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$")
OUTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
# A full postcode anywhere in a free-text base (e.g. "... Hyde SK14 1NG").
POSTCODE_IN_TEXT_RE = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?) ?([0-9][A-Z]{2})\b")
LAST_EVIDENCE_RE = re.compile(r"\[last evidence:\s*([^\]]*?)\s*\]")
COORD_TOKEN_RE = re.compile(r"^-?\d+(\.\d{1,6})?$")


# --------------------------------------------------------------------------------------------
# small helpers

def fail(msg: str) -> None:
    raise SystemExit(f"prepare_data: CHECK FAILED: {msg}")


def check(cond: bool, msg: str) -> None:
    if not cond:
        fail(msg)


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, newline="", encoding=encoding) as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writeheader()
        for row in rows:
            w.writerow({c: row[c] for c in columns})


def norm_postcode(pc: str) -> str:
    return re.sub(r"\s+", "", pc).upper()


# --------------------------------------------------------------------------------------------
# boundaries

def raw_json(value) -> str:
    """Serialise JSON whose numbers were parsed as strings (parse_float=str), keeping the tokens."""
    if isinstance(value, list):
        return "[" + ",".join(raw_json(v) for v in value) + "]"
    if isinstance(value, str):
        check(COORD_TOKEN_RE.match(value) is not None, f"unexpected coordinate token {value!r}")
        return value
    fail(f"unexpected value in coordinates: {value!r}")
    return ""


def iter_tokens(value):
    if isinstance(value, list):
        for v in value:
            yield from iter_tokens(v)
    else:
        yield value


def to_float_rings(geometry: dict) -> list[list[tuple[float, float]]]:
    """All rings (outer and holes) of a Polygon/MultiPolygon as float (lon, lat) lists."""
    gtype = geometry["type"]
    if gtype == "Polygon":
        polys = [geometry["coordinates"]]
    elif gtype == "MultiPolygon":
        polys = geometry["coordinates"]
    else:
        fail(f"unexpected geometry type {gtype}")
    rings = []
    for poly in polys:
        for ring in poly:
            rings.append([(float(p[0]), float(p[1])) for p in ring])
    return rings


def point_in_rings(lon: float, lat: float, rings: list[list[tuple[float, float]]]) -> bool:
    """Even-odd ray casting over every ring: holes and separate parts are handled together."""
    inside = False
    for ring in rings:
        n = len(ring)
        j = n - 1
        for i in range(n):
            xi, yi = ring[i]
            xj, yj = ring[j]
            if (yi > lat) != (yj > lat):
                x_cross = xi + (lat - yi) * (xj - xi) / (yj - yi)
                if lon < x_cross:
                    inside = not inside
            j = i
    return inside


def prepare_boundaries(shared: Path, out: Path):
    src = shared / "boundaries" / "lad_may2024_uk_buc.geojson"
    with open(src, encoding="utf-8") as fh:
        fc = json.load(fh, parse_float=str, parse_int=str)
    check(fc.get("type") == "FeatureCollection", "boundary file is not a FeatureCollection")
    feats = fc["features"]
    check(len(feats) == N_DISTRICTS, f"boundary features {len(feats)} != {N_DISTRICTS}")

    by_code: dict[str, dict] = {}
    for f in feats:
        props = f["properties"]
        code, name = props["ltla24_code"], props["ltla24_name"]
        check(code not in by_code, f"duplicate boundary code {code}")
        check(f["geometry"]["type"] in ("Polygon", "MultiPolygon"), f"{code}: not a polygon")
        by_code[code] = {"name": name, "geometry": f["geometry"]}

    lines = []
    for code in sorted(by_code):
        g = by_code[code]["geometry"]
        props = json.dumps({"LAD24CD": code, "LAD24NM": by_code[code]["name"]},
                           ensure_ascii=False, separators=(",", ":"))
        geom = '{"type":' + json.dumps(g["type"]) + ',"coordinates":' + raw_json(g["coordinates"]) + "}"
        lines.append('{"type":"Feature","properties":' + props + ',"geometry":' + geom + "}")
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"

    dest = out / "boundaries" / "lad_may2024_uk_buc.geojson"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)

    # Round-trip check: same codes, names and coordinate tokens in the same order.
    with open(dest, encoding="utf-8") as fh:
        back = json.load(fh, parse_float=str, parse_int=str)
    check("crs" not in back, "crs member present")
    check(len(back["features"]) == N_DISTRICTS, "written boundary count")
    n_tokens = 0
    for f in back["features"]:
        code = f["properties"]["LAD24CD"]
        check(f["properties"]["LAD24NM"] == by_code[code]["name"], f"{code}: name changed")
        a = list(iter_tokens(f["geometry"]["coordinates"]))
        b = list(iter_tokens(by_code[code]["geometry"]["coordinates"]))
        check(a == b, f"{code}: coordinates changed")
        n_tokens += len(a)

    names = {c: v["name"] for c, v in by_code.items()}
    rings = {c: to_float_rings(v["geometry"]) for c, v in by_code.items()}
    print(f"boundaries: {len(lines)} districts, {n_tokens // 2} vertices, geometry unchanged -> {dest}")
    return names, rings


# --------------------------------------------------------------------------------------------
# areas

# The source-level extract of ONS's mid-2020 workbook (sheet MYE3, LAD 2021 codes), and the
# code of each nation's row in it.
LAD21_BIRTHS = "ons_mye_mid2020_uk_lad21_births_components_and_age0.csv"
LAD21_BIRTHS_COLUMN = "births_mid2019_to_mid2020"
DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
NATION_ROWS = {"England": "E92000001", "Wales": "W92000004", "Scotland": "S92000003",
               "Northern Ireland": "N92000002"}


def source_births_by_lad23(pb: Path, lk: Path) -> dict[str, int]:
    """Births (1 Jul 2019 - 30 Jun 2020) per LAD23 code, summed here from the source-level
    LAD 2021 extract through ONS's LAD22 -> LAD23 lookup (LAD22 codes equal LAD21 codes).

    The shared folder's own aggregation (ons_mye_mid2020_births_aggregated_to_lad23.csv) and
    the summary areas.csv is made from are both derived files; this sum is checked against
    them so that the bundled births trace back to the workbook's figures, not only to each
    other. Every one of the 374 LAD21 districts must be in the lookup exactly once, and the
    nation and UK rows of the extract must equal the sums of their districts."""
    extract = {}
    for r in read_csv(pb / LAD21_BIRTHS):
        check(r["code"] not in extract, f"births: {LAD21_BIRTHS}: code {r['code']} twice")
        extract[r["code"]] = r

    def births(code: str) -> int:
        check(code in extract, f"births: {LAD21_BIRTHS} has no row {code}")
        v = extract[code][LAD21_BIRTHS_COLUMN]
        check(v.isdigit(), f"births: {LAD21_BIRTHS}: {code} has births {v!r}")
        return int(v)

    lookup = read_csv(lk / "lad22_to_lad23_uk_ons.csv")
    olds = [r["ltla22_code"] for r in lookup]
    check(len(olds) == len(set(olds)), "births: a LAD22 code is listed twice in lad22_to_lad23_uk_ons.csv")
    districts = {c for c in extract if c.startswith(DISTRICT_PREFIXES)}
    check(districts == set(olds),
          f"births: the LAD21 districts of {LAD21_BIRTHS} differ from lad22_to_lad23_uk_ons.csv: "
          f"only in the extract {sorted(districts - set(olds))}, only in the lookup {sorted(set(olds) - districts)}")
    by_lad23: dict[str, int] = {}
    for r in lookup:
        by_lad23[r["ltla23_code"]] = by_lad23.get(r["ltla23_code"], 0) + births(r["ltla22_code"])
    for nation, row in NATION_ROWS.items():
        total = sum(births(c) for c in districts if NATION_BY_PREFIX[c[0]] == nation)
        check(total == births(row), f"births: {nation}'s districts sum to {total}, its row {row} says {births(row)}")
    check(sum(by_lad23.values()) == births("K02000001") == UK_BIRTHS_TOTAL,
          f"births: UK districts sum to {sum(by_lad23.values())}, the UK row says {births('K02000001')}, "
          f"expected {UK_BIRTHS_TOTAL}")
    return by_lad23


def lsoa21_districts(lk: Path) -> dict[str, str]:
    """Each LSOA 2021's district (2023 codes, as in 2024), from ONS's LSOA 2011 -> LSOA 2021
    lookup, which gives each LSOA 2021 the district it lies in (2022 codes, carried to 2023
    through ONS's LAD22 -> LAD23 lookup). The ward lookup (LSOA21 -> ward 2024 -> LAD24) is
    best fit by ward and puts one LSOA in another district: West Northamptonshire 048E
    (E01027305), which lies in West Northamptonshire by its name, the LSOA lookups and the
    built-in boundaries, sits in a Cherwell ward. Taken from the ward lookup, it made Cherwell
    look split between ICBs (its 11 babies in Northamptonshire's)."""
    lad23 = {r["ltla22_code"]: r["ltla23_code"] for r in read_csv(lk / "lad22_to_lad23_uk_ons.csv")}
    district: dict[str, str] = {}
    for r in read_csv(lk / "lsoa11_to_lsoa21_lad22_ew_ons.csv"):
        lad = lad23.get(r["ltla22_code"], r["ltla22_code"])
        check(district.get(r["lsoa21_code"], lad) == lad, f"LSOA {r['lsoa21_code']} in two districts")
        district[r["lsoa21_code"]] = lad
    by_ward = {r["lsoa21_code"]: r["ltla24_code"] for r in read_csv(lk / "lsoa21_to_ward24_lad24_ew_ons.csv")}
    check(set(by_ward) == set(district), "the LSOA 2021 lookups hold different LSOAs")
    differ = sorted(c for c in district if district[c] != by_ward[c])
    check(differ == [WARD_BEST_FIT_LSOA],
          f"LSOA 2021s whose district differs from their ward's: {differ}, expected {WARD_BEST_FIT_LSOA} alone")
    return district


def icb_counts_by_lad24(lk: Path) -> dict[str, dict[tuple[str, str], int]]:
    """Each English district's LSOA 2021s counted by ICB 2024, from ONS's LSOA21 -> ICB24
    lookup and the district each LSOA lies in (`lsoa21_districts`). No official
    district-to-ICB lookup exists: areas.csv gives each district the ICB holding most of its
    LSOAs. The shared folder's derived table (lad24_to_icb24_england_lsoa_weighted.csv) counts
    the same but through the ward lookup; `prepare_areas` checks the two differ by the one LSOA
    the ward lookup places elsewhere."""
    district = lsoa21_districts(lk)
    counts: dict[str, dict[tuple[str, str], int]] = {}
    for r in read_csv(lk / "lsoa21_to_sicbl24_icb24_england_ons.csv"):
        check(r["lsoa21_code"] in district, f"ICB: LSOA {r['lsoa21_code']} has no district")
        c = counts.setdefault(district[r["lsoa21_code"]], {})
        key = (r["icb24_code"], r["icb24_name"])
        c[key] = c.get(key, 0) + 1
    return counts


def prepare_areas(shared: Path, out: Path, boundary_names: dict[str, str]) -> list[dict[str, str]]:
    pb = shared / "population_births"
    lk = shared / "lookups"
    summary = read_csv(pb / "lad23_uk_births_age0_geography_summary.csv")
    check(len(summary) == N_DISTRICTS, f"summary rows {len(summary)} != {N_DISTRICTS}")
    codes = [r["lad23cd"] for r in summary]
    check(len(set(codes)) == N_DISTRICTS, "duplicate codes in summary")
    check(set(codes) == set(boundary_names), "summary codes differ from boundary codes")

    # Independent sources for cross-checks.
    births_agg = {r["ltla23_code"]: r for r in read_csv(pb / "ons_mye_mid2020_births_aggregated_to_lad23.csv")}
    check(set(births_agg) == set(codes), "births: ons_mye_mid2020_births_aggregated_to_lad23.csv codes differ from the summary's")
    births_src = source_births_by_lad23(pb, lk)
    check(set(births_src) == set(codes),
          f"births: LAD23 codes summed from {LAD21_BIRTHS} differ from the summary's: "
          f"{sorted(set(births_src) ^ set(codes))}")
    differ = [f"{r['lad23cd']} summary {r['births_mid2019_to_mid2020']}, "
              f"aggregated file {births_agg[r['lad23cd']]['births_mid2019_to_mid2020']}, "
              f"summed from the LAD21 extract {births_src[r['lad23cd']]}"
              for r in summary
              if not (int(r["births_mid2019_to_mid2020"]) == births_src[r["lad23cd"]]
                      == int(births_agg[r["lad23cd"]]["births_mid2019_to_mid2020"]))]
    check(not differ, f"births differ from the source-level LAD21 extract summed to LAD23 in "
                      f"{len(differ)} district(s): " + "; ".join(differ))
    mye22 = {r["code"]: r for r in read_csv(pb / "ons_mye_mid2022_uk_lad23_persons_single_year_age.csv")}
    region_lu = {r["ltla23_code"]: r for r in read_csv(lk / "lad23_to_region23_england_ons.csv")}
    utla_lu = {r["ltla23_code"]: r for r in read_csv(lk / "lad23_to_utla23_ew_ons.csv")}
    icb_table = read_csv(lk / "lad24_to_icb24_england_lsoa_weighted.csv")
    icb_lu = {r["ltla24_code"]: r for r in icb_table if r["is_primary"] == "True"}
    icb_counts = icb_counts_by_lad24(lk)
    # The shared table counts through the ward lookup: WARD_BEST_FIT_LSOA, of West
    # Northamptonshire in Northamptonshire's ICB, is counted there as Cherwell's.
    shared_counts = {(r["ltla24_code"], r["icb24_code"]): int(r["lsoa21_count"]) for r in icb_table}
    shared_counts[("E07000177", "E54000059")] -= 1
    shared_counts[("E06000062", "E54000059")] += 1
    check({k: n for k, n in shared_counts.items() if n}
          == {(lad, icb): n for lad, c in icb_counts.items() for (icb, _), n in c.items()},
          "ICB: lad24_to_icb24_england_lsoa_weighted.csv differs from the LSOA 2021 lookups' counts "
          f"by more than {WARD_BEST_FIT_LSOA}")
    icb_primary = {}
    for lad, c in icb_counts.items():
        ranked = sorted(c.items(), key=lambda kv: -kv[1])
        check(len(ranked) == 1 or ranked[0][1] > ranked[1][1], f"ICB: {lad} is split evenly between ICBs")
        icb_primary[lad] = ranked[0][0]
    lhb_lu = {r["ltla21_code"]: r for r in read_csv(lk / "wales_ua_to_local_health_board_2022_ons.csv")}
    shb_lu = {r["CA"]: r for r in read_csv(lk / "scotland_council_area_to_health_board_2019.csv")}
    ni_lu = {r["ltla21_code"]: r for r in read_csv(lk / "ni_lgd_to_hsc_trust_2018.csv")}
    # ONS's Welsh names of the Welsh districts (LAD23NMW; the codes of May 2023 and May 2024
    # are the same), so that a team list written in Welsh ("Ynys Môn", "Bro Morgannwg") is read.
    with open(shared / "boundaries" / "lad_may2023_uk_buc.geojson", encoding="utf-8") as fh:
        lad23 = [f["properties"] for f in json.load(fh)["features"]]
    welsh_names = {p["LAD23CD"]: p["LAD23NMW"] for p in lad23 if p["LAD23CD"].startswith("W")}
    check(len(welsh_names) == 22 and all(welsh_names.values()), "Welsh names: not 22 Welsh districts")
    check({p["LAD23CD"]: p["LAD23NM"] for p in lad23} == boundary_names,
          "Welsh names: LAD May 2023 codes or names differ from the May 2024 boundaries")

    rows = []
    for r in sorted(summary, key=lambda r: r["lad23cd"]):
        code, name, nation = r["lad23cd"], r["lad23nm"], r["country"]
        check(nation in NATIONS, f"{code}: nation {nation!r}")
        check(NATION_BY_PREFIX[code[0]] == nation, f"{code}: nation {nation} does not match code")
        check(name == boundary_names[code], f"{code}: name {name!r} != boundary {boundary_names[code]!r}")
        births, age0 = int(r["births_mid2019_to_mid2020"]), int(r["age0_mid2022"])
        check(int(births_agg[code]["births_mid2019_to_mid2020"]) == births, f"{code}: births mismatch")
        check(births_agg[code]["ltla23_name"] == name, f"{code}: births-file name mismatch")
        check(int(mye22[code]["age_0"]) == age0, f"{code}: age 0 mismatch")

        row = {c: "" for c in AREA_COLUMNS}
        row.update(code=code, name=name, nation=nation, births=str(births), age0=str(age0),
                   name_cy=welsh_names.get(code, ""))

        if nation == "England":
            check(bool(r["region23_code"]) and bool(r["icb24_code_primary"]), f"{code}: region/ICB missing")
            row.update(region_code=r["region23_code"], region_name=r["region23_name"],
                       icb_code=r["icb24_code_primary"], icb_name=r["icb24_name_primary"])
            lu = region_lu[code]
            check((lu["region23_code"], lu["region23_name"]) == (row["region_code"], row["region_name"]),
                  f"{code}: region differs from lookup")
            lu = icb_lu[code]
            check((lu["icb24_code"], lu["icb24_name"]) == (row["icb_code"], row["icb_name"]),
                  f"{code}: ICB differs from lookup")
            check(icb_primary.get(code) == (row["icb_code"], row["icb_name"]),
                  f"{code}: ICB is not the one holding most of its LSOA 2021s")
        else:
            check(not (r["region23_code"] or r["icb24_code_primary"]), f"{code}: region/ICB outside England")

        if nation in ("England", "Wales"):
            check(bool(r["utla23_code"]), f"{code}: UTLA missing")
            row.update(utla_code=r["utla23_code"], utla_name=r["utla23_name"])
            lu = utla_lu[code]
            check((lu["utla23_code"], lu["utla23_name"]) == (row["utla_code"], row["utla_name"]),
                  f"{code}: UTLA differs from lookup")
        else:
            # Scotland and NI are single-tier: the district is its own upper tier.
            check(not r["utla23_code"], f"{code}: unexpected UTLA")
            row.update(utla_code=code, utla_name=name)

        if nation == "England":
            check(not r["health_board_code"], f"{code}: health board in England")
        else:
            hb, hbn = r["health_board_code"], r["health_board_name"]
            row.update(health_board_code=hb, health_board_name=hbn)
            if nation == "Wales":
                lu = lhb_lu[code]
                check(hb.startswith("W11") and (lu["lhb22_code"], lu["lhb22_name"]) == (hb, hbn),
                      f"{code}: LHB differs from lookup")
            elif nation == "Scotland":
                lu = shb_lu[code]
                check(hb.startswith("S08") and (lu["HB"], lu["HBName"]) == (hb, hbn),
                      f"{code}: health board differs from lookup")
            else:
                lu = ni_lu[code]
                check((lu["trust18_code"], lu["trust18_name"]) == (hb, hbn),
                      f"{code}: HSC trust differs from lookup")
                # The lookup's short names ("Belfast", "Western") are geographr's own; the
                # trusts are named in full, as the Department of Health, NISRA and the trusts
                # write them, so that Belfast's trust is not read as Belfast's district.
                check(HSC_TRUST_NAMES[hb].startswith(hbn + " "), f"{code}: trust {hb} {hbn!r}")
                row.update(health_board_name=HSC_TRUST_NAMES[hb])
        rows.append(row)

    check(len(rows) == N_DISTRICTS, "areas row count")
    total_births = sum(int(r["births"]) for r in rows)
    total_age0 = sum(int(r["age0"]) for r in rows)
    check(total_births == UK_BIRTHS_TOTAL, f"UK births {total_births} != {UK_BIRTHS_TOTAL}")
    check(total_age0 == UK_AGE0_TOTAL, f"UK age 0 {total_age0} != {UK_AGE0_TOTAL}")
    check(set(icb_primary) == {r["code"] for r in rows if r["nation"] == "England"},
          "ICB: the LSOA 2021 lookups' districts are not the English districts")
    check(int(mye22["K02000001"]["age_0"]) == UK_AGE0_TOTAL, "ONS UK age-0 row")
    check([r["code"] for r in rows] == sorted(boundary_names), "areas codes != boundary codes")

    dest = out / "areas.csv"
    write_csv(dest, AREA_COLUMNS, rows)
    print(f"areas: {len(rows)} rows, births {total_births:,}, age0 {total_age0:,} -> {dest}")
    print(f"  births equal {LAD21_BIRTHS} summed to LAD23 through lad22_to_lad23_uk_ons.csv "
          f"in all {len(births_src)} districts")
    print(f"  ICB: the one holding most of each district's LSOA 2021s, recomputed from the two LSOA "
          f"lookups for all {len(icb_primary)} English districts "
          f"({sum(len(c) > 1 for c in icb_counts.values())} split between ICBs)")
    for nation in NATIONS:
        sub = [r for r in rows if r["nation"] == nation]
        print(f"  {nation}: {len(sub)} districts, births {sum(int(r['births']) for r in sub):,}, "
              f"age0 {sum(int(r['age0']) for r in sub):,}")
    return rows


# --------------------------------------------------------------------------------------------
# outcodes

def prepare_outcodes(shared: Path, out: Path) -> dict[str, dict[str, str]]:
    src = read_csv(shared / "postcode_districts" / "outcode_centroids_nspd_nov2025.csv")
    check(len(src) == N_OUTCODES, f"outcodes {len(src)} != {N_OUTCODES}")
    by_oc: dict[str, dict[str, str]] = {}
    for r in src:
        oc = r["outcode"]
        # NPT is the old, terminated Newport (Gwent) district still carried by the directory.
        check(OUTCODE_RE.match(oc) is not None or oc == "NPT", f"odd outcode {oc!r}")
        check(oc not in by_oc, f"duplicate outcode {oc}")
        lat, lon = float(r["latitude"]), float(r["longitude"])
        check(49.0 < lat < 61.5 and -9.0 < lon < 2.0, f"{oc}: coordinates outside the UK")
        by_oc[oc] = r
    rows = [{"outcode": oc, "latitude": by_oc[oc]["latitude"], "longitude": by_oc[oc]["longitude"]}
            for oc in sorted(by_oc)]
    dest = out / "outcodes.csv"
    write_csv(dest, ["outcode", "latitude", "longitude"], rows)
    print(f"outcodes: {len(rows)} rows -> {dest}")
    return by_oc


# --------------------------------------------------------------------------------------------
# teams

def lookup_postcodes(shared: Path, wanted: set[str]) -> dict[str, dict[str, str]]:
    """Find full postcodes (normalised: no spaces, upper case) in the NSPD extract."""
    found: dict[str, dict[str, str]] = {}
    if not wanted:
        return found
    with gzip.open(shared / "postcodes" / "postcodes_uk_nspd_nov2025.csv.gz", "rt",
                   encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = norm_postcode(r["postcode"])
            if key in wanted:
                check(key not in found, f"postcode {key} listed twice")
                found[key] = r
    return found


def prepare_teams(shared: Path, out: Path, bases_path: Path, areas: list[dict[str, str]],
                  outcodes: dict[str, dict[str, str]], rings: dict[str, list]) -> None:
    src = read_csv(shared / "teams" / "teams_compiled.csv")
    check(len(src) == N_TEAMS, f"teams {len(src)} != {N_TEAMS}")
    bases = read_csv(bases_path)
    check([b["team_name"] for b in bases] == [t["team_name"] for t in src],
          f"{bases_path}: team_name column must list the source teams in source order")

    code_by_name = {a["name"]: a["code"] for a in areas}
    check(len(code_by_name) == N_DISTRICTS, "district names are not unique")
    nation_by_code = {a["code"]: a["nation"] for a in areas}
    name_by_code = {a["code"]: a["name"] for a in areas}

    wanted = {norm_postcode(b["postcode_or_outcode"]) for b in bases
              if FULL_POSTCODE_RE.match(b["postcode_or_outcode"])}
    postcodes = lookup_postcodes(shared, wanted)
    check(set(postcodes) == wanted, f"postcodes not found: {sorted(wanted - set(postcodes))}")

    rows = []
    report = []
    for t, b in zip(src, bases):
        name = t["team_name"]
        check(t["evidence"] in EVIDENCE_LEVELS, f"{name}: evidence {t['evidence']!r}")
        check(t["nation"] in NATIONS, f"{name}: nation {t['nation']!r}")

        # areas served: ONS names -> codes, source order kept
        served = []
        if t["la_names_served"].strip():
            for nm in t["la_names_served"].split(";"):
                nm = nm.strip()
                check(nm in code_by_name, f"{name}: district name {nm!r} not in areas.csv")
                code = code_by_name[nm]
                check(nation_by_code[code] == t["nation"], f"{name}: {nm} is not in {t['nation']}")
                check(code not in served, f"{name}: {nm} listed twice")
                served.append(code)

        # last evidence
        found = LAST_EVIDENCE_RE.findall(t["notes"])
        check(len(found) <= 1, f"{name}: several [last evidence] notes")
        last_evidence = found[0] if found else t["list_date"].strip()

        # base
        key = b["postcode_or_outcode"].strip()
        in_text = POSTCODE_IN_TEXT_RE.search(t["base_town_or_postcode"])
        if in_text:
            check(key == f"{in_text.group(1)} {in_text.group(2)}",
                  f"{name}: source gives postcode {in_text.group(0)!r}; team_bases.csv must use it")
        base = precision = lat = lon = directory_lad = ""
        if key:
            check(bool(b["note"].strip()), f"{name}: base without a note")
            if FULL_POSTCODE_RE.match(key):
                p = postcodes[norm_postcode(key)]
                base, precision, lat, lon = key, "postcode", p["latitude"], p["longitude"]
                directory_lad = LAD25_TO_LAD24.get(p["lad25cd"], p["lad25cd"])
            else:
                check(OUTCODE_RE.match(key) is not None, f"{name}: {key!r} is neither postcode nor outcode")
                check(key in outcodes, f"{name}: outcode {key} not in centroid file")
                o = outcodes[key]
                base, precision, lat, lon = key, "postcode_district", o["latitude"], o["longitude"]
                directory_lad = LAD25_TO_LAD24.get(o["lad25cd_mode"], o["lad25cd_mode"])
        else:
            # A team with no area served and no base covers no area (Together for Baby,
            # "Essex"); one serving areas is placed by them, and always has a base here.
            check(not served, f"{name}: only teams with no area may lack a base")

        rows.append({
            "name": name, "host_org": t["host_org"], "evidence": t["evidence"], "nation": t["nation"],
            "areas_served": ";".join(served), "base": base, "base_precision": precision,
            "latitude": lat, "longitude": lon, "source_url": t["source_url"],
            "last_evidence": last_evidence,
        })

        if base:
            fx, fy = float(lon), float(lat)
            hits = sorted(c for c, rg in rings.items() if point_in_rings(fx, fy, rg))
            report.append((name, base, served, hits, directory_lad))

    check(len(rows) == N_TEAMS, "teams row count")
    dest = out / "teams.csv"
    write_csv(dest, TEAM_COLUMNS, rows)

    located = [r for r in rows if r["latitude"]]
    print(f"teams: {len(rows)} rows ({len(located)} located: "
          f"{sum(r['base_precision'] == 'postcode' for r in rows)} by postcode, "
          f"{sum(r['base_precision'] == 'postcode_district' for r in rows)} by postcode district) -> {dest}")
    for r in rows:
        if not r["latitude"]:
            print(f"  not located: {r['name']} ({r['evidence']}; no base or area in the source, so it covers no area)")
    print("base point-in-polygon check (LAD May 2024 BUC):")
    outside = 0
    for name, base, served, hits, directory_lad in report:
        where = ", ".join(f"{c} {name_by_code[c]}" for c in hits) or "no district (sea / generalised coast)"
        if not served:
            status = "NO AREAS SERVED -> placed by base"
        elif set(hits) & set(served):
            status = "inside own area"
        else:
            status = "OUTSIDE own areas"
            outside += 1
        agree = "agrees" if directory_lad in hits else f"DIFFERS: {directory_lad}"
        print(f"  [{status}] {name} | {base} -> {where} (postcode directory LAD {agree})")
    print(f"  {outside} base(s) outside their own areas_served")


# --------------------------------------------------------------------------------------------
# deprivation.csv

DEPRIVATION_COLUMNS = ["code", "name", "nation", "index", "small_areas", "most_deprived_decile_share"]
# (nation, file, code column, share column, index name, small-area kind)
DEPRIVATION_SOURCES = [
    ("England", "imd2025_england_lad24_file10_summaries.csv", "ltla24_code",
     "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally",
     "English Indices of Deprivation 2025 (IMD)", "LSOA 2021"),
    ("Wales", "wimd2019_wales_lad22_aggregated.csv", "ltla22_code", "Proportion",
     "Welsh Index of Multiple Deprivation 2019", "LSOA 2011"),
    ("Scotland", "simd2020_scotland_lad24_aggregated.csv", "ltla24_code", "Proportion",
     "Scottish Index of Multiple Deprivation 2020v2", "data zone 2011"),
    ("Northern Ireland", "nimdm2017_ni_lgd14_aggregated.csv", "lgd14_code", "Proportion",
     "Northern Ireland Multiple Deprivation Measure 2017", "super output area 2001"),
]


def prepare_deprivation(shared: Path, out: Path, areas: list[dict[str, str]]) -> None:
    """Share of each district's small areas in its own nation's most deprived decile.

    The indices differ by nation (domains, years, small areas) and cannot be compared as scores
    or ranks; the share of small areas in the nation's own most deprived tenth is the one measure
    every nation's published summaries give in the same form. It is cross-checked against the
    small-area deciles where a small-area-to-district lookup exists (England, Wales, Scotland).
    """
    dep = shared / "deprivation"
    name_by_code = {a["code"]: a["name"] for a in areas}
    rows = []
    for nation, fname, code_col, share_col, index, kind in DEPRIVATION_SOURCES:
        for r in read_csv(dep / fname):
            code = r[code_col]
            check(code in name_by_code, f"deprivation: {fname}: {code} is not a district")
            share = float(r[share_col])
            check(0.0 <= share <= 1.0, f"deprivation: {code} share {share} outside 0..1")
            rows.append({"code": code, "name": name_by_code[code], "nation": nation, "index": index,
                         "small_areas": kind, "most_deprived_decile_share": f"{share:.4f}"})
    rows.sort(key=lambda r: r["code"])
    check([r["code"] for r in rows] == sorted(name_by_code), "deprivation: one row per district")

    # Cross-check against the small-area deciles (1 = most deprived within the nation).
    decile = {r["area_code"]: int(r["IMD_decile"]) for r in read_csv(dep / "imd_uk_smallarea_deciles_by_nation.csv")}
    look = shared / "lookups"
    district_of = {}
    for r in read_csv(look / "lsoa21_to_ward24_lad24_ew_ons.csv"):
        if r["lsoa21_code"].startswith("E"):
            district_of[r["lsoa21_code"]] = r["ltla24_code"]
    for r in read_csv(look / "lsoa11_to_lad21_ew_ons.csv"):
        if r["lsoa11_code"].startswith("W"):
            district_of[r["lsoa11_code"]] = r["ltla21_code"]
    for r in read_csv(look / "scotland_dz2011_iz_ca_hscp_hb_lookup_phs_21042020.csv"):
        district_of[r["DataZone"]] = r["CA"]
    counts: dict[str, list[int]] = {}
    for sa, d in decile.items():
        if sa in district_of:
            c = counts.setdefault(district_of[sa], [0, 0])
            c[0] += 1
            c[1] += d == 1
    worst = 0.0
    checked = 0
    for r in rows:
        if r["nation"] == "Northern Ireland":
            continue
        c = counts.get(r["code"])
        check(c is not None, f"deprivation: no small areas found for {r['code']}")
        diff = abs(c[1] / c[0] - float(r["most_deprived_decile_share"]))
        worst = max(worst, diff)
        checked += 1
    check(worst < 0.0005, f"deprivation: published share differs from the small-area deciles by {worst}")
    dest = out / "deprivation.csv"
    write_csv(dest, DEPRIVATION_COLUMNS, rows)
    print(f"deprivation: {len(rows)} rows -> {dest}; {checked} (England, Wales, Scotland) agree with "
          f"the small-area deciles to within {worst:.5f}")


# --------------------------------------------------------------------------------------------
SUCCESSOR_COLUMNS = ["old_code", "old_name", "new_code", "new_name", "since", "lsoas_2011",
                     "icb_code", "icb_name"]
N_SUCCESSORS_2023 = 17
# The districts merged in 2020 (Buckinghamshire) and 2021 (North and West Northamptonshire),
# which ONS tables in 2019 and 2020 codes (the English Indices of Deprivation 2019, mid-2019
# estimates) still give. No ONS code lookup in ../shared covers them, so they are listed here and
# checked below against two ONS files that do: the IMD 2019 district summaries (LAD 2019 codes
# and names) and the LSOA 2011 to LAD 2021 lookup (LSOA 2011 names carry their district's name).
SUCCESSORS_2020_2021 = [
    ("E07000004", "Aylesbury Vale", "E06000060", "2020-04-01"),
    ("E07000005", "Chiltern", "E06000060", "2020-04-01"),
    ("E07000006", "South Bucks", "E06000060", "2020-04-01"),
    ("E07000007", "Wycombe", "E06000060", "2020-04-01"),
    ("E07000150", "Corby", "E06000061", "2021-04-01"),
    ("E07000151", "Daventry", "E06000062", "2021-04-01"),
    ("E07000152", "East Northamptonshire", "E06000061", "2021-04-01"),
    ("E07000153", "Kettering", "E06000061", "2021-04-01"),
    ("E07000154", "Northampton", "E06000062", "2021-04-01"),
    ("E07000155", "South Northamptonshire", "E06000062", "2021-04-01"),
    ("E07000156", "Wellingborough", "E06000061", "2021-04-01"),
]
IMD2019_LAD19 = "imd2019_england_lad19_file10_summaries.csv"
IMD2019_SHARE = "IMD - Proportion of LSOAs in most deprived 10% nationally "


def prepare_successors(shared: Path, out: Path, boundary_names: dict[str, str]) -> None:
    """The districts abolished since April 2019's codes, each with the district that replaced
    it and its number of 2011 LSOAs: those whose code changed from LAD22 to LAD23 (merged on
    1 April 2023), from ONS's lookup, and the 11 merged in 2020 and 2021, checked here."""
    rows = read_csv(shared / "lookups" / "lad22_to_lad23_uk_ons.csv")
    changed = [r for r in rows if r["ltla22_code"] != r["ltla23_code"]]
    check(len(changed) == N_SUCCESSORS_2023,
          f"successors: {len(changed)} changed codes, expected {N_SUCCESSORS_2023}")
    lsoa11 = read_csv(shared / "lookups" / "lsoa11_to_lad21_ew_ons.csv")
    lsoas_in: dict[str, int] = {}
    for r in lsoa11:
        lsoas_in[r["ltla21_code"]] = lsoas_in.get(r["ltla21_code"], 0) + 1
    out_rows = []
    for r in changed:
        old, new = r["ltla22_code"], r["ltla23_code"]
        check(r["ltla23_name"] == boundary_names.get(new),
              f"successors: {new} is not a boundary code named {r['ltla23_name']!r}")
        out_rows.append({"old_code": old, "old_name": r["ltla22_name"], "new_code": new,
                         "new_name": r["ltla23_name"], "since": "2023-04-01",
                         "lsoas_2011": str(lsoas_in.get(old, 0))})

    # 2020 and 2021: each old code and name as the IMD 2019 summaries give them, and every
    # LSOA 2011 named after an old district in the new district. Together with the 2023 rows,
    # they are every LAD 2019 code that is not a current one.
    imd19 = read_csv(shared / "deprivation" / IMD2019_LAD19)
    lad19 = {r["Local Authority District code (2019)"]: r["Local Authority District name (2019)"] for r in imd19}
    listed = {old for old, _, _, _ in SUCCESSORS_2020_2021} | {r["old_code"] for r in out_rows}
    check({c for c in lad19 if c not in boundary_names} == listed,
          "successors: the LAD 2019 codes that are not current are not those listed")
    named_after: dict[str, int] = {}
    for old, name, new, since in SUCCESSORS_2020_2021:
        check(lad19.get(old) == name, f"successors: IMD 2019 names {old} {lad19.get(old)!r}, not {name!r}")
        check(new in boundary_names, f"successors: {new} is not a boundary code")
        pattern = re.compile(re.escape(name) + r" \d{3}[A-Z]")
        homes = {r["ltla21_code"] for r in lsoa11 if pattern.fullmatch(r["lsoa11_name"])}
        count = sum(1 for r in lsoa11 if pattern.fullmatch(r["lsoa11_name"]))
        check(homes == {new}, f"successors: the LSOAs named after {name} lie in {sorted(homes)}, not {new}")
        named_after[new] = named_after.get(new, 0) + count
        out_rows.append({"old_code": old, "old_name": name, "new_code": new,
                         "new_name": boundary_names[new], "since": since, "lsoas_2011": str(count)})
    for new, count in named_after.items():
        check(count == lsoas_in[new], f"successors: {new} has {lsoas_in[new]} LSOAs, {count} named after its old districts")
    for r in out_rows:
        check(r["old_code"] not in boundary_names, f"successors: {r['old_code']} is still a boundary code")
        check(int(r["lsoas_2011"]) > 0, f"successors: no LSOAs found in {r['old_code']}")

    # The LSOA counts weight the old districts' shares of small areas in the most deprived
    # tenth (covgap plan --deprivation). Checked: the IMD 2019 shares so combined equal the
    # humaniverse package's own LAD 2023 aggregation from the LSOAs, to the 4 decimals the
    # summaries give.
    share19 = {r["Local Authority District code (2019)"]: float(r[IMD2019_SHARE]) for r in imd19}
    agg23 = {r["ltla23_code"]: float(r["Proportion"])
             for r in read_csv(shared / "deprivation" / "imd2019_england_lad23_aggregated.csv")}
    worst = 0.0
    for new in sorted({r["new_code"] for r in out_rows}):
        olds = [r for r in out_rows if r["new_code"] == new]
        combined = sum(share19[r["old_code"]] * int(r["lsoas_2011"]) for r in olds) / sum(
            int(r["lsoas_2011"]) for r in olds)
        worst = max(worst, abs(combined - agg23[new]))
    check(worst < 0.0001, f"successors: combined IMD 2019 shares differ from the LAD 2023 aggregation by {worst}")

    # Each old district's ICB (2024): the one holding most of its 2011 LSOAs, through ONS's
    # LSOA 2011 to 2021 and LSOA 2021 to ICB lookups. The district that replaced it may lie in
    # another (Craven is mostly West Yorkshire's, North Yorkshire Humber and North Yorkshire's),
    # so a team serving an old district on ICB boundaries counts for the old district's own.
    lsoa21_of: dict[str, list[str]] = {}
    for r in read_csv(shared / "lookups" / "lsoa11_to_lsoa21_lad22_ew_ons.csv"):
        lsoa21_of.setdefault(r["lsoa11_code"], []).append(r["lsoa21_code"])
    icb_of = {r["lsoa21_code"]: (r["icb24_code"], r["icb24_name"])
              for r in read_csv(shared / "lookups" / "lsoa21_to_sicbl24_icb24_england_ons.csv")}
    names_2020_2021 = {old: name for old, name, _, _ in SUCCESSORS_2020_2021}
    least_share = 1.0
    for r in out_rows:
        old = r["old_code"]
        if old in names_2020_2021:
            pattern = re.compile(re.escape(names_2020_2021[old]) + r" \d{3}[A-Z]")
            lsoas = [x["lsoa11_code"] for x in lsoa11 if pattern.fullmatch(x["lsoa11_name"])]
        else:
            lsoas = [x["lsoa11_code"] for x in lsoa11 if x["ltla21_code"] == old]
        counts: dict[tuple[str, str], int] = {}
        for l11 in lsoas:
            for l21 in lsoa21_of.get(l11, []):
                check(l21 in icb_of, f"successors: LSOA {l21} of {old} has no ICB")
                counts[icb_of[l21]] = counts.get(icb_of[l21], 0) + 1
        check(counts, f"successors: no ICB found for {old}")
        (icb_code, icb_name), most = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        least_share = min(least_share, most / sum(counts.values()))
        r["icb_code"], r["icb_name"] = icb_code, icb_name

    out_rows.sort(key=lambda r: r["old_code"])
    write_csv(out / "successors.csv", SUCCESSOR_COLUMNS, out_rows)
    print(f"successors: {len(out_rows)} districts abolished in 2020, 2021 and 2023 -> "
          f"{len({r['new_code'] for r in out_rows})} new districts; IMD 2019 shares combined by "
          f"2011 LSOAs agree with the LAD 2023 aggregation to within {worst:.6f}; each old district's "
          f"ICB holds at least {least_share:.0%} of its LSOAs")


# --------------------------------------------------------------------------------------------
# districts split between ICBs

WARD_BEST_FIT_LSOA = "E01027305"  # lies in West Northamptonshire; its ward is Cherwell's

ICB_SHARE_COLUMNS = ["code", "name", "icb_code", "icb_name", "age0_mid2020", "share"]
ICB_SMALL_AREA_COLUMNS = ["code", "icb_code"]
SAPE_LSOA11 = "ons_sape_mid2020_lsoa11_ew_age0to4.csv"


def prepare_icb_shares(shared: Path, out: Path, areas: list[dict[str, str]]) -> None:
    """For each English district split between ICBs, its babies' share in each ICB, and the
    ICB of each of its small areas (LSOA 2011 and 2021 codes).

    The weight of a (district, ICB) part is the population aged 0 at mid-2020 (ONS small-area
    estimates, LSOA 2011) of the LSOA 2011s lying in it: each LSOA 2011 is put, whole, in the
    district and ICB of the LSOA 2021(s) it became by ONS's LSOA11 -> LSOA21 lookup (unchanged,
    split or merged alike). This is sound because no LSOA 2011 of a split district became
    LSOA 2021s in two districts or two ICBs (asserted; of all England's, three LSOA 2011s
    became LSOA 2021s in two districts, none of them split between ICBs, and none became
    LSOA 2021s in two ICBs). Every part the LSOA 2021 counts find has babies (asserted), so
    the parts are those of lad24_to_icb24_england_lsoa_weighted.csv."""
    lk = shared / "lookups"
    icb_of = {r["lsoa21_code"]: (r["icb24_code"], r["icb24_name"])
              for r in read_csv(lk / "lsoa21_to_sicbl24_icb24_england_ons.csv")}
    district_of = lsoa21_districts(lk)
    lsoa21_of: dict[str, list[str]] = {}
    for r in read_csv(lk / "lsoa11_to_lsoa21_lad22_ew_ons.csv"):
        lsoa21_of.setdefault(r["lsoa11_code"], []).append(r["lsoa21_code"])
    counts = icb_counts_by_lad24(lk)
    split = {lad for lad, c in counts.items() if len(c) > 1}
    names = {r["code"]: r["name"] for r in areas}
    primary = {r["code"]: r["icb_code"] for r in areas}

    sape = read_csv(shared / "small_areas" / SAPE_LSOA11)
    check(set(lsoa21_of) == {r["lsoa11_code"] for r in sape},
          "ICB shares: the LSOA11 -> LSOA21 lookup and the small-area estimates hold different LSOA 2011s")
    weights: dict[str, dict[tuple[str, str], int]] = {}
    small: dict[str, str] = {}
    spanning_districts = 0
    for r in sape:
        l11 = r["lsoa11_code"]
        if not l11.startswith("E"):
            continue
        pieces = lsoa21_of[l11]
        lads = {district_of[x] for x in pieces}
        icbs = {icb_of[x] for x in pieces}
        check(len(icbs) == 1, f"ICB shares: LSOA 2011 {l11} became LSOA 2021s in {len(icbs)} ICBs")
        spanning_districts += len(lads) > 1
        if not lads & split:
            continue
        check(len(lads) == 1, f"ICB shares: LSOA 2011 {l11} of a split district became LSOA 2021s in {sorted(lads)}")
        (lad,), (icb,) = lads, icbs
        w = weights.setdefault(lad, {})
        w[icb] = w.get(icb, 0) + int(r["age_0"])
        for code in [l11, *pieces]:
            check(small.get(code, icb[0]) == icb[0], f"ICB shares: small area {code} in two ICBs")
            small[code] = icb[0]
    check(spanning_districts == 3, f"ICB shares: {spanning_districts} LSOA 2011s became LSOA 2021s in two districts, not 3")
    # Every LSOA 2021 of a split district is listed, whichever LSOA 2011 it came from.
    for l21, lad in district_of.items():
        if lad in split:
            check(small.get(l21) == icb_of[l21][0], f"ICB shares: LSOA 2021 {l21} of {lad} not listed with its ICB")
    check(set(weights) == split, "ICB shares: the split districts differ between the LSOA 2011 and 2021 routes")

    rows = []
    for lad in sorted(split):
        w = weights[lad]
        check({icb for icb in w} == set(counts[lad]),
              f"ICB shares: {lad}'s ICBs by babies {sorted(w)} differ from those by LSOA 2021s {sorted(counts[lad])}")
        check(all(n > 0 for n in w.values()), f"ICB shares: a part of {lad} has no babies")
        check(primary[lad] in {code for code, _ in w}, f"ICB shares: {lad}'s primary ICB is not among its parts")
        total = sum(w.values())
        for (icb_code, icb_name), n in sorted(w.items()):
            rows.append({"code": lad, "name": names[lad], "icb_code": icb_code, "icb_name": icb_name,
                         "age0_mid2020": str(n), "share": f"{n / total:.4f}"})
    write_csv(out / "icb_shares.csv", ICB_SHARE_COLUMNS, rows)
    small_rows = [{"code": c, "icb_code": small[c]} for c in sorted(small)]
    write_csv(out / "icb_small_areas.csv", ICB_SMALL_AREA_COLUMNS, small_rows)
    flipped = [names[lad] for lad in sorted(split)
               if max(weights[lad].items(), key=lambda kv: (kv[1], kv[0]))[0][0] != primary[lad]]
    print(f"icb_shares: {len(split)} districts split between ICBs, {len(rows)} parts weighted by age 0 "
          f"(mid-2020, LSOA 2011) -> {out / 'icb_shares.csv'}; {len(small_rows)} of their small areas "
          f"(LSOA 2011 and 2021 codes) -> {out / 'icb_small_areas.csv'}")
    print(f"  the ICB holding most babies differs from the one holding most LSOA 2021s in: "
          f"{', '.join(flipped) or 'none'}")


SMALL_AREA_2011_COLUMNS = ["first", "last"]
# The 2011 small areas of each nation with them: England's and Wales's LSOAs, Scotland's Data
# Zones. Northern Ireland's (Super Output Areas) are in none of the raw files.
N_SMALL_AREAS_2011 = {"E01": 32_844, "W01": 1_909, "S01": 6_976}
SAPE_DZ11 = "nrs_sape_2020_dz11_scotland_age0to4.csv"
DZ11_LOOKUP = "scotland_dz2011_iz_ca_hscp_hb_lookup_phs_21042020.csv"


def code_runs(codes: list[str]) -> list[dict[str, str]]:
    """Sorted small-area codes as runs of consecutive codes under the same three-letter start,
    each row the first and last code of a run, both included."""
    rows: list[dict[str, str]] = []
    for c in codes:
        last = rows[-1]["last"] if rows else ""
        if last[:3] == c[:3] and int(last[3:]) + 1 == int(c[3:]):
            rows[-1]["last"] = c
        else:
            rows.append({"first": c, "last": c})
    return rows


def prepare_small_areas_2011(shared: Path, out: Path, areas: list[dict[str, str]]) -> None:
    """Every 2011 small area code of England, Wales and Scotland, written as runs of
    consecutive codes (each row the first and last code of a run, both included): 821 rows for
    41,729 codes. The codes are ONS's LSOA 2011 lookup's and Public Health Scotland's Data Zone
    2011 lookup's, checked against the small-area estimates, and every current district of the
    three nations holds some of them."""
    lk = shared / "lookups"
    lsoa11 = read_csv(lk / "lsoa11_to_lad21_ew_ons.csv")
    dz11 = read_csv(lk / DZ11_LOOKUP)
    lsoa_codes = {r["lsoa11_code"] for r in lsoa11}
    dz_codes = {r["DataZone"] for r in dz11}
    check(len(lsoa_codes) == len(lsoa11), "small areas 2011: an LSOA 2011 code is listed twice")
    check(len(dz_codes) == len(dz11), "small areas 2011: a Data Zone 2011 code is listed twice")
    check(lsoa_codes == {r["lsoa11_code"] for r in read_csv(shared / "small_areas" / SAPE_LSOA11)},
          "small areas 2011: the LSOA 2011 lookup and the small-area estimates hold different codes")
    check(dz_codes == {r["dz11_code"] for r in read_csv(shared / "small_areas" / SAPE_DZ11)},
          "small areas 2011: the Data Zone 2011 lookup and the small-area estimates hold different codes")
    codes = sorted(lsoa_codes | dz_codes)
    for c in codes:
        check(re.fullmatch(r"[EWS]01\d{6}", c) is not None and c[:3] in N_SMALL_AREAS_2011,
              f"small areas 2011: {c} is not an LSOA or Data Zone code")
    for prefix, n in N_SMALL_AREAS_2011.items():
        got = sum(1 for c in codes if c.startswith(prefix))
        check(got == n, f"small areas 2011: {got} codes {prefix}..., expected {n:,}")
    # Each in a district of its own nation, and every district of the three nations holds some.
    lad23 = {r["ltla22_code"]: r["ltla23_code"] for r in read_csv(lk / "lad22_to_lad23_uk_ons.csv")}
    district_of = {r["lsoa11_code"]: lad23.get(r["ltla21_code"], r["ltla21_code"]) for r in lsoa11}
    district_of.update({r["DataZone"]: r["CA"] for r in dz11})
    nation_of = {r["code"]: r["nation"] for r in areas}
    for c, lad in district_of.items():
        check(nation_of.get(lad) == NATION_BY_PREFIX[c[0]],
              f"small areas 2011: {c} lies in {lad}, not a district of {NATION_BY_PREFIX[c[0]]}")
    held = set(district_of.values())
    for r in areas:
        check(r["nation"] == "Northern Ireland" or r["code"] in held,
              f"small areas 2011: no small area lies in {r['code']} ({r['name']})")
    rows = code_runs(codes)
    write_csv(out / "small_areas_2011.csv", SMALL_AREA_2011_COLUMNS, rows)
    print(f"small_areas_2011: {len(codes):,} small areas 2011 ("
          + ", ".join(f"{prefix}: {n:,}" for prefix, n in N_SMALL_AREAS_2011.items())
          + f") in {len(rows)} runs of consecutive codes -> {out / 'small_areas_2011.csv'}")


SMALL_AREA_2021_COLUMNS = ["first", "last"]
# The 2021 small areas of each nation with them: England's and Wales's LSOAs 2021. Scotland's
# Data Zones 2022 and Northern Ireland's Data Zones 2021 are in none of the raw files.
N_SMALL_AREAS_2021 = {"E01": 33_755, "W01": 1_917}


def prepare_small_areas_2021(shared: Path, out: Path, areas: list[dict[str, str]]) -> None:
    """Every LSOA 2021 code of England and Wales, as runs of consecutive codes like
    small_areas_2011.csv: 1,671 rows for 35,672 codes. The codes are ONS's LSOA 2021 to ward
    2024 lookup's, the same as its LSOA 2011 to LSOA 2021 lookup's and, for England, its LSOA
    2021 to sub-ICB location lookup's; each lies in a district of its own nation by both
    district columns, and every district of England and Wales holds some."""
    lk = shared / "lookups"
    ward = read_csv(lk / "lsoa21_to_ward24_lad24_ew_ons.csv")
    codes21 = {r["lsoa21_code"] for r in ward}
    check(len(codes21) == len(ward), "small areas 2021: an LSOA 2021 code is listed twice")
    eleven = read_csv(lk / "lsoa11_to_lsoa21_lad22_ew_ons.csv")
    check(codes21 == {r["lsoa21_code"] for r in eleven},
          "small areas 2021: the LSOA 2021 to ward lookup and the LSOA 2011 to 2021 lookup hold "
          "different LSOA 2021 codes")
    sicbl = [r["lsoa21_code"] for r in read_csv(lk / "lsoa21_to_sicbl24_icb24_england_ons.csv")]
    check(len(set(sicbl)) == len(sicbl)
          and set(sicbl) == {c for c in codes21 if c.startswith("E")},
          "small areas 2021: the sub-ICB lookup does not hold England's LSOA 2021 codes once each")
    codes = sorted(codes21)
    for c in codes:
        check(re.fullmatch(r"[EW]01\d{6}", c) is not None,
              f"small areas 2021: {c} is not an LSOA code")
    for prefix, n in N_SMALL_AREAS_2021.items():
        got = sum(1 for c in codes if c.startswith(prefix))
        check(got == n, f"small areas 2021: {got} codes {prefix}..., expected {n:,}")
    # Each in a district of its own nation (by the ward lookup's LAD 2024 and by the 2011 to
    # 2021 lookup's LAD 2022 carried to 2023 codes), and every district of the two holds some.
    nation_of = {r["code"]: r["nation"] for r in areas}
    lad23 = {r["ltla22_code"]: r["ltla23_code"] for r in read_csv(lk / "lad22_to_lad23_uk_ons.csv")}
    held: set[str] = set()
    for c, lad in [(r["lsoa21_code"], r["ltla24_code"]) for r in ward] + [
            (r["lsoa21_code"], lad23.get(r["ltla22_code"], r["ltla22_code"])) for r in eleven]:
        check(nation_of.get(lad) == NATION_BY_PREFIX[c[0]],
              f"small areas 2021: {c} lies in {lad}, not a district of {NATION_BY_PREFIX[c[0]]}")
        held.add(lad)
    for r in areas:
        check(r["nation"] not in ("England", "Wales") or r["code"] in held,
              f"small areas 2021: no LSOA 2021 lies in {r['code']} ({r['name']})")
    rows = code_runs(codes)
    write_csv(out / "small_areas_2021.csv", SMALL_AREA_2021_COLUMNS, rows)
    shared11 = len(codes21 & {r["lsoa11_code"] for r in eleven})
    print(f"small_areas_2021: {len(codes):,} LSOAs 2021 ("
          + ", ".join(f"{prefix}: {n:,}" for prefix, n in N_SMALL_AREAS_2021.items())
          + f"; {shared11:,} codes also of 2011 LSOAs) in {len(rows):,} runs of consecutive codes"
          f" -> {out / 'small_areas_2021.csv'}")


# --------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared" / "data",
                    help="raw shared data folder (default: ../shared/data from the repository root)")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "data",
                    help="output folder (default: data/ in the repository root)")
    ap.add_argument("--bases", type=Path, default=REPO_ROOT / "data" / "prep" / "team_bases.csv",
                    help="curated team base table (default: data/prep/team_bases.csv)")
    args = ap.parse_args(argv)
    shared, out = args.shared.resolve(), args.out.resolve()
    check(shared.is_dir(), f"shared data folder not found: {shared}")
    out.mkdir(parents=True, exist_ok=True)

    names, rings = prepare_boundaries(shared, out)
    areas = prepare_areas(shared, out, names)
    outcodes = prepare_outcodes(shared, out)
    prepare_teams(shared, out, args.bases.resolve(), areas, outcodes, rings)
    prepare_deprivation(shared, out, areas)
    prepare_successors(shared, out, names)
    prepare_icb_shares(shared, out, areas)
    prepare_small_areas_2011(shared, out, areas)
    prepare_small_areas_2021(shared, out, areas)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
