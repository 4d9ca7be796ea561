//! `covgap plan`'s outputs agree with each other on which sites a plan holds: sites with no
//! base, plans that place fewer sites than asked for, and `--by` when some geographies are out
//! of every candidate's reach.

use serde_json::Value;

use crate::{fixture, read_csv};

/// `covgap plan <args> --out out` in a fresh folder: its stderr, and the folder (kept alive).
fn plan(args: &[&str]) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = crate::covgap_at(&dir)
        .arg("plan")
        .args(args)
        .args(["--out", "out"])
        .timeout(std::time::Duration::from_secs(300))
        .assert()
        .success();
    let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    (said, dir)
}

fn text(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join("out").join(name)).expect(name)
}

/// plan.csv as rows of named cells.
fn csv_rows(dir: &tempfile::TempDir) -> Vec<std::collections::BTreeMap<String, String>> {
    let rows = read_csv(&dir.path().join("out/plan.csv"));
    let header = rows[0].clone();
    rows[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

/// The sites (by name) a method's rows of plan.csv list, in order, without the n = 0 row.
fn sites(rows: &[std::collections::BTreeMap<String, String>], method: &str) -> Vec<(String, u64)> {
    rows.iter()
        .filter(|r| r["method"] == method && r["n"] != "0")
        .map(|r| {
            (
                r["site"].clone(),
                r["births_newly_covered"].parse().unwrap(),
            )
        })
        .collect()
}

fn features(dir: &tempfile::TempDir) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&text(dir, "plan.geojson")).unwrap();
    doc["features"].as_array().unwrap().clone()
}

/// Candidates given only by the areas they serve have no base: each one chosen is still a
/// feature of plan.geojson (with a null geometry, as teams.geojson gives an unlocated team),
/// and one serving a single district is in that district in plan.csv, with its name and
/// deprivation share; one serving two is in neither (its `newly_covers` lists both).
#[test]
fn plan_sites_with_no_base_are_in_plan_geojson_and_in_their_one_district() {
    let (_, dir) = plan(&[
        "--add",
        "2",
        "--candidates",
        &fixture("plan/candidates_without_a_base_one_district_and_two.csv"),
    ]);
    let rows = csv_rows(&dir);
    let greedy: Vec<_> = rows
        .iter()
        .filter(|r| r["method"] == "greedy" && r["n"] != "0")
        .collect();
    assert_eq!(greedy.len(), 2, "{rows:?}");
    let brum = greedy.iter().find(|r| r["site"] == "Site Brum").unwrap();
    assert_eq!(brum["district_code"], "E08000025");
    assert_eq!(brum["district_name"], "Birmingham");
    let share: f64 = brum["most_deprived_decile_share"].parse().unwrap();
    assert!((0.0..=1.0).contains(&share), "{brum:?}");
    let two = greedy.iter().find(|r| r["site"] == "Site Two").unwrap();
    assert_eq!(two["district_code"], "", "{two:?}");
    assert_eq!(two["district_name"], "", "{two:?}");
    assert_eq!(two["most_deprived_decile_share"], "", "{two:?}");
    assert_eq!(two["newly_covers"], "E06000023;E08000019");

    let f = features(&dir);
    let names: Vec<&str> = f
        .iter()
        .map(|f| f["properties"]["site"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Site Brum") && names.contains(&"Site Two"));
    for f in &f {
        assert!(f["geometry"].is_null(), "{f}");
        assert_eq!(f["type"], "Feature");
    }
    let brum = f
        .iter()
        .find(|f| f["properties"]["site"] == "Site Brum")
        .unwrap();
    assert_eq!(brum["properties"]["district_code"], "E08000025");
    assert_eq!(
        brum["properties"]["most_deprived_decile_share"].as_f64(),
        Some(share)
    );
    // plan.md names the site with its district, as it does a located one.
    assert!(text(&dir, "plan.md").contains("| Site Brum (E08000025) |"));
}

/// At 100 km, 8 sites cover every baby the candidates can reach: every method places 8, not
/// the 40 asked for, and the exact plan lists no site that adds nothing (it used to list 15,
/// 7 of them adding 0, in plan.csv, plan.geojson and plan.md while greedy listed 8). The
/// terminal and plan.md say how many each placed, and why not 40.
#[test]
fn plan_that_covers_all_in_reach_before_n_lists_only_sites_that_add() {
    let (said, dir) = plan(&["--add", "40", "--radius", "100"]);
    let rows = csv_rows(&dir);
    let (greedy, swapped, exact) = (
        sites(&rows, "greedy"),
        sites(&rows, "greedy_swap"),
        sites(&rows, "exact"),
    );
    assert_eq!(greedy.len(), 8, "{greedy:?}");
    for (method, list) in [("greedy_swap", &swapped), ("exact", &exact)] {
        assert_eq!(list.len(), 8, "{method}: {list:?}");
        assert!(list.iter().all(|(_, b)| *b > 0), "{method}: {list:?}");
    }
    let why = "40 new sites asked for, 8 placed: 8 sites cover every demand point the candidates can reach, so more would add nothing";
    assert!(
        said.contains(&format!(
            "covgap plan: {why}; live births newly covered: greedy 52,307"
        )),
        "{said}"
    );
    let md = text(&dir, "plan.md");
    assert!(
        md.contains("- **40 new sites asked for, 8 placed**: 8 sites cover every demand point the candidates can reach, so more would add nothing. Each plan lists only the sites that add something."),
        "{md}"
    );
    assert!(md.contains("- **Exact** (8 new teams; "), "{md}");
    assert!(
        md.contains("- **Greedy then swaps** (8 new teams; "),
        "{md}"
    );
    // The table ends at n = 8, and every exact site in it adds babies.
    assert!(md.contains("\n| 8 | "), "{md}");
    assert!(!md.contains("\n| 9 | "), "{md}");
    // plan.geojson holds the sites of the two plans, no more.
    let f = features(&dir);
    let in_exact: Vec<&str> = f
        .iter()
        .filter(|f| f["properties"]["in_exact_plan"] == true)
        .map(|f| f["properties"]["site"].as_str().unwrap())
        .collect();
    let mut listed: Vec<&str> = exact.iter().map(|(s, _)| s.as_str()).collect();
    let mut in_exact_sorted = in_exact.clone();
    listed.sort_unstable();
    in_exact_sorted.sort_unstable();
    assert_eq!(in_exact_sorted, listed);
    for f in &f {
        let p = &f["properties"];
        assert!(
            p["greedy_rank"].is_u64() || p["in_exact_plan"] == true,
            "{p}"
        );
        if p["in_exact_plan"] == true {
            assert!(p["exact_births_newly_covered"].as_u64().unwrap() > 0, "{p}");
        }
    }
}

/// More sites asked for than there are candidates: the terminal and plan.md say so, and that
/// one candidate (a district with a team already) would add nothing.
#[test]
fn plan_with_fewer_candidates_than_asked_says_why_fewer_are_placed() {
    let (said, dir) = plan(&[
        "--add",
        "5",
        "--candidates",
        &fixture("plan/candidates_without_a_base_one_district_and_two.csv"),
    ]);
    let why = "5 new sites asked for, 2 placed: there are only 3 candidate sites, and 2 of them cover every demand point the candidates can reach, so the others would add nothing";
    assert!(
        said.contains(&format!(
            "covgap plan: {why}; live births newly covered: greedy "
        )),
        "{said}"
    );
    let md = text(&dir, "plan.md");
    assert!(
        md.contains("- **5 new sites asked for, 2 placed**: there are only 3 candidate sites, and 2 of them"),
        "{md}"
    );
    let rows = csv_rows(&dir);
    for method in ["greedy", "greedy_swap", "exact"] {
        assert_eq!(sites(&rows, method).len(), 2, "{method}");
    }
}

/// `--by region` with a single candidate that reaches no region without a team: plan.md says
/// what the terminal says (no new site gives any of them a team), not "the fewest sites that
/// reach them all: 0", and its method paragraph describes the set cover that was run, not the
/// greedy and covering solves that were not.
#[test]
fn plan_by_alone_words_unreachable_geographies_and_its_method_as_run() {
    let (said, dir) = plan(&[
        "--by",
        "region",
        "--candidates",
        &fixture("plan/candidate_in_manchester_only.csv"),
    ]);
    let md = text(&dir, "plan.md");
    assert!(
        said.contains("0 new sites would give every reachable one a team"),
        "{said}"
    );
    assert!(md.contains("| no candidate site reaches it |"), "{md}");
    assert!(
        md.contains("\n## Plan: the fewest new teams that give a team to all English regions that a candidate site reaches\n"),
        "{md}"
    );
    assert!(!md.contains("reach them all"), "{md}");
    assert!(
        md.contains("No candidate site reaches any of them, so no new site would give one a team: **0** (proven optimal"),
        "{md}"
    );
    let method = md.lines().find(|l| l.starts_with("Method: ")).unwrap();
    assert!(
        method.starts_with("Method: the fewest new sites that give every geography with no team a team (every one a candidate reaches) is a minimum set cover, solved by integer programming"),
        "{method}"
    );
    assert!(!method.contains("greedy"), "{method}");
    assert!(!method.contains("maximal covering"), "{method}");
}

/// With `--add` and `--by` together, the method paragraph gives both solves.
#[test]
fn plan_add_and_by_give_both_methods() {
    let (_, dir) = plan(&["--add", "2", "--by", "region"]);
    let md = text(&dir, "plan.md");
    let method = md.lines().find(|l| l.starts_with("Method: ")).unwrap();
    assert!(method.starts_with("Method: greedy selection"), "{method}");
    assert!(
        method.contains(" The fewest new sites that give every geography with no team a team"),
        "{method}"
    );
    assert!(
        md.contains("The fewest new sites that would give every one of them a team: **"),
        "{md}"
    );
}

/// On boundaries for part of the UK (Oxfordshire's five districts) a plan's shares are of all
/// the babies in the areas given, not "of the UK": plan.md says so, plan.csv's column is
/// `cumulative_percent_of_total`, and rollups.csv's total row is "All areas given". On the
/// built-in districts, they are the UK's.
#[test]
fn shares_are_of_the_areas_given_unless_they_are_the_uk() {
    let oxon = fixture("boundaries/oxfordshire_wgs84.geojson");
    let (_, part) = plan(&["--add", "2", "-q", "--boundaries", &oxon]);
    let md = text(&part, "plan.md");
    assert!(md.contains("of all babies in the areas given"), "{md}");
    assert!(!md.contains("of the UK") && !md.contains("% of UK"), "{md}");
    let header = &read_csv(&part.path().join("out/plan.csv"))[0];
    assert!(
        header.iter().any(|h| h == "cumulative_percent_of_total"),
        "{header:?}"
    );
    let rollups = read_csv(&part.path().join("out/rollups.csv"));
    assert_eq!(rollups[1][..3], ["all", "", "All areas given"]);

    let (_, uk) = plan(&["--add", "2", "-q"]);
    assert!(text(&uk, "plan.md").contains("of the UK"));
    let header = &read_csv(&uk.path().join("out/plan.csv"))[0];
    assert!(
        header.iter().any(|h| h == "cumulative_percent_of_uk"),
        "{header:?}"
    );
    let rollups = read_csv(&uk.path().join("out/rollups.csv"));
    assert_eq!(rollups[1][..3], ["uk", "K02000001", "United Kingdom"]);
}

/// `covgap plan -q` on the Oxfordshire districts, run in `dir`, with `args`.
fn oxon_plan(dir: &tempfile::TempDir, args: &[&str]) {
    crate::covgap_at(dir)
        .args(["plan", "-q", "--boundaries"])
        .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
        .args(args)
        .assert()
        .success();
}

/// The files run.json's `outputs` lists in `out`.
fn recorded(out: &std::path::Path) -> Vec<String> {
    crate::run_json(out)["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["file"].as_str().unwrap().to_string())
        .collect()
}

/// Regression: an `--export-instance` written into the `--out` folder was not among
/// run.json's `outputs`, so a later plan or run into the folder left it there, beside outputs
/// it no longer belonged to. It is recorded (size and SHA-256, as every output) and cleared
/// with the rest, only while unchanged; one written to another folder is not in `--out`, and
/// only `plan.export_instance` names it.
#[test]
fn an_instance_in_the_output_folder_is_an_output_there() {
    let dir = tempfile::tempdir().unwrap();
    let (out, inst) = (dir.path().join("out"), dir.path().join("out/inst.json"));
    oxon_plan(
        &dir,
        &[
            "--add",
            "2",
            "--export-instance",
            "out/inst.json",
            "--out",
            "out",
        ],
    );
    let run = crate::run_json(&out);
    assert_eq!(run["plan"]["export_instance"], "out/inst.json");
    let entry = run["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["file"] == "inst.json")
        .unwrap_or_else(|| panic!("inst.json not in outputs: {}", run["outputs"]));
    let (size, sha) = covgap::write::run::fingerprint_bytes(&std::fs::read(&inst).unwrap());
    assert_eq!(
        (entry["bytes"].as_u64(), entry["sha256"].as_str()),
        (Some(size), Some(sha.as_str()))
    );
    // The next plan into the folder, with no instance: the earlier one goes.
    oxon_plan(&dir, &["--add", "3", "--out", "out"]);
    assert!(
        !inst.exists(),
        "the add=2 instance was left beside the add=3 plan"
    );
    assert_eq!(
        crate::run_json(&out)["plan"]["export_instance"],
        serde_json::Value::Null
    );
    assert!(!recorded(&out).contains(&"inst.json".to_string()));
    // So does a run's, as for any output of a plan.
    oxon_plan(
        &dir,
        &[
            "--add",
            "2",
            "--export-instance",
            "./out/inst.json",
            "--out",
            "out/",
        ],
    );
    assert!(recorded(&out).contains(&"inst.json".to_string()));
    crate::covgap_at(&dir)
        .args(["run", "-q", "--boundaries"])
        .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
        .args(["--out", "out"])
        .assert()
        .success();
    assert!(!inst.exists(), "a run left the plan's instance");
    // Changed since it was written: the user's now, left alone.
    oxon_plan(
        &dir,
        &[
            "--add",
            "2",
            "--export-instance",
            "out/inst.json",
            "--out",
            "out",
        ],
    );
    std::fs::write(&inst, "{\"edited\": true}").unwrap();
    oxon_plan(&dir, &["--add", "3", "--out", "out"]);
    assert_eq!(
        std::fs::read_to_string(&inst).unwrap(),
        "{\"edited\": true}"
    );
    // Written again under the same name: replaced, and recorded as the new one.
    oxon_plan(
        &dir,
        &[
            "--add",
            "3",
            "--export-instance",
            "out/inst.json",
            "--out",
            "out",
        ],
    );
    let (_, sha) = covgap::write::run::fingerprint_bytes(&std::fs::read(&inst).unwrap());
    assert!(crate::run_json(&out)["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["file"] == "inst.json" && o["sha256"] == sha.as_str()));
    // In another folder: named by plan.export_instance, not among the outputs of --out, and
    // left by the next plan into --out.
    oxon_plan(
        &dir,
        &[
            "--add",
            "2",
            "--export-instance",
            "elsewhere.json",
            "--out",
            "out",
        ],
    );
    assert_eq!(
        crate::run_json(&out)["plan"]["export_instance"],
        "elsewhere.json"
    );
    assert!(!recorded(&out).iter().any(|f| f.contains("elsewhere")));
    oxon_plan(&dir, &["--add", "3", "--out", "out"]);
    assert!(dir.path().join("elsewhere.json").exists());
}

/// At 40 km with 20 new sites on the built-in data, the swaps bring in Bassetlaw, which
/// neither greedy nor the exact plan holds. plan.geojson maps every site of plan.csv, the
/// greedy-then-swaps plan's too, with what each newly covers there (it used to leave such a
/// site out, so the swapped plan could not be mapped).
#[test]
fn plan_geojson_holds_every_site_of_the_swapped_plan() {
    let (_, dir) = plan(&["--add", "20", "--radius", "40", "-q"]);
    let rows = csv_rows(&dir);
    let swapped = sites(&rows, "greedy_swap");
    let f = features(&dir);
    let in_swapped: Vec<&Value> = f
        .iter()
        .map(|f| &f["properties"])
        .filter(|p| p["in_greedy_swap_plan"] == true)
        .collect();
    assert_eq!(in_swapped.len(), swapped.len(), "{in_swapped:?}");
    for (site, babies) in &swapped {
        let p = in_swapped
            .iter()
            .find(|p| p["site"] == site.as_str())
            .unwrap_or_else(|| panic!("{site} is not in plan.geojson"));
        assert_eq!(
            p["greedy_swap_births_newly_covered"].as_u64(),
            Some(*babies),
            "{p}"
        );
    }
    // The site only the swaps choose.
    let bassetlaw = in_swapped
        .iter()
        .find(|p| p["site"] == "Bassetlaw")
        .expect("Bassetlaw");
    assert!(bassetlaw["greedy_rank"].is_null() && bassetlaw["in_exact_plan"] == false);
    // Sites of other plans say they are not in this one.
    assert!(f
        .iter()
        .any(|f| f["properties"]["in_greedy_swap_plan"] == false
            && f["properties"]["greedy_swap_births_newly_covered"].is_null()));
}

/// A candidate list whose every site is in a district with a team already: nothing is left
/// in the candidates' reach, and the terminal and plan.md say so. They used to say "0 of them
/// covers every demand point the candidates can reach", which reads as if no site could help.
#[test]
fn plan_with_nothing_left_in_reach_says_the_teams_cover_it_already() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("leeds.csv");
    std::fs::write(&list, "name,areas_served\nLeeds hub,Leeds\n").unwrap();
    let (said, out) = plan(&["--add", "3", "--candidates", &list.display().to_string()]);
    let why = "3 new sites asked for, 0 placed: there is only 1 candidate site, and the existing teams already cover every demand point the candidates can reach, so a new site would add nothing";
    assert!(
        said.contains(&format!(
            "covgap plan: {why}; live births newly covered: greedy 0"
        )),
        "{said}"
    );
    let md = text(&out, "plan.md");
    assert!(
        md.contains("- **3 new sites asked for, 0 placed**: there is only 1 candidate site, and the existing teams already cover"),
        "{md}"
    ); // plan.csv starts each of the three plans at n = 0, the exact one too, though none adds
       // a site (it used to have no exact row at all).
    let rows = csv_rows(&out);
    for method in ["greedy", "greedy_swap", "exact"] {
        let start: Vec<_> = rows.iter().filter(|r| r["method"] == method).collect();
        assert_eq!(start.len(), 1, "{method}: {rows:?}");
        assert_eq!(start[0]["n"], "0");
    }
}

/// `text` with every time a plan reports ("0.01 s", "3.8 ms") written `T`: the solvers' times
/// vary from run to run, and nothing else may.
fn times_masked(text: &str) -> String {
    text.lines()
        .map(|line| {
            let words: Vec<&str> = line.split(' ').collect();
            words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let number = !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == '.');
                    let unit = words.get(i + 1).is_some_and(|next| {
                        let rest = next
                            .strip_prefix("ms")
                            .or_else(|| next.strip_prefix('s'))
                            .unwrap_or("x");
                        rest.chars().all(|c| !c.is_alphanumeric())
                    });
                    if number && unit {
                        "T"
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `value` without its members named `key`, at any depth.
fn without(value: &mut Value, key: &str) {
    match value {
        Value::Object(m) => {
            m.remove(key);
            m.values_mut().for_each(|v| without(v, key));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| without(v, key)),
        _ => {}
    }
}

/// The README says a plan's outputs are the same bytes every time but for the solvers' times:
/// two plans of the same inputs give every file alike but plan.md and summary.md (the same once
/// their times are masked), the exported instance (the same without its `seconds`) and
/// run.json (the same without those three files' sizes and SHA-256).
#[test]
fn two_plans_differ_only_in_the_solvers_times() {
    let args = [
        "--add",
        "10",
        "--radius",
        "40",
        "--export-instance",
        "out/instance.json",
    ];
    let (_, a) = plan(&args);
    let (_, b) = plan(&args);
    let names = |d: &tempfile::TempDir| {
        let mut n: Vec<String> = std::fs::read_dir(d.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&a), names(&b));
    let timed = ["plan.md", "summary.md", "instance.json", "run.json"];
    for name in names(&a) {
        let (x, y) = (text(&a, &name), text(&b, &name));
        match name.as_str() {
            "plan.md" | "summary.md" => {
                assert!(
                    x.contains(" s): proven optimal"),
                    "{name} gives the exact solve's time"
                );
                assert_eq!(times_masked(&x), times_masked(&y), "{name}");
            }
            "instance.json" | "run.json" => {
                let (mut x, mut y): (Value, Value) = (
                    serde_json::from_str(&x).unwrap(),
                    serde_json::from_str(&y).unwrap(),
                );
                for v in [&mut x, &mut y] {
                    without(v, "seconds");
                    for o in v["outputs"].as_array_mut().into_iter().flatten() {
                        if timed.contains(&o["file"].as_str().unwrap()) {
                            without(o, "sha256");
                            without(o, "bytes");
                        }
                    }
                }
                assert_eq!(x, y, "{name}");
            }
            _ => assert!(x == y, "{name} differs between two plans"),
        }
    }
    assert!(names(&a).contains(&"plan.csv".to_string()));
}

/// `--export-instance` naming a named pipe (as `/dev/stdout` or `/dev/null` name devices):
/// before, covgap waited for ever opening the pipe (to compare it with the inputs), and a
/// device (`/dev/full`, for root) was replaced by a regular file, exit 0. Now it is refused
/// before anything is written, and the pipe is left as it was.
#[cfg(unix)]
#[test]
fn export_instance_to_a_pipe_or_device_is_refused_and_it_is_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pipe = dir.path().join("instance.pipe");
    crate::make_pipe(&pipe);
    let o = crate::covgap_at(&dir)
        .args(["plan", "--add", "1", "--boundaries"])
        .arg(fixture("boundaries/oxfordshire_wgs84.geojson"))
        .arg("--teams")
        .arg(fixture("teams/oxford_only.csv"))
        .args(["--out", "out", "--export-instance", "instance.pipe"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1);
    let said = String::from_utf8_lossy(&o.get_output().stderr).into_owned();
    assert!(
        said.contains(
            "instance.pipe: cannot write output: this is a device, pipe or socket, not a file"
        ),
        "{said}"
    );
    crate::assert_still_a_pipe(&pipe);
    // The --out folder may have been made, as for any output that cannot be written, but
    // nothing is in it.
    let written: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .map(|d| d.map(|e| e.expect("entry").file_name()).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "written: {written:?}");
}
