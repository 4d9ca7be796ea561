//! `map.svg` and `map.png`: the A4 map for briefings.

#[test]
fn map_has_title_legend_sources_and_every_area() {
    let run = crate::teams_before_run();
    let svg = std::str::from_utf8(run.bytes("map.svg")).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(run.bytes("summary.json")).unwrap();
    // The title carries the figure and its period.
    let uncovered = summary["demand_uncovered"].as_u64().unwrap();
    assert!(svg.contains(&covgap::write::thousands(uncovered)), "figure");
    assert!(svg.contains(summary["period"].as_str().unwrap()), "period");
    for words in [
        "Has a team",
        "No team, by live births:",
        "Team (counted)",
        "London",
        "Largest gaps",
        "Open Government Licence",
        "Crown copyright",
    ] {
        assert!(svg.contains(words), "{words}");
    }
    // Every area on the main map (plus the London inset's), and both teams.
    assert!(svg.matches("<path ").count() > 361);
    assert!(svg.contains("<title>Birmingham (E08000025)</title>"));
    assert_eq!(
        svg.matches("<title>Alpha Parent Infant Team</title>")
            .count(),
        1
    );
    // It is an SVG resvg can read, A4 in proportion.
    let tree = resvg::usvg::Tree::from_str(svg, &Default::default()).unwrap();
    assert!((tree.size().height() / tree.size().width() - 297.0 / 210.0).abs() < 0.01);

    let mut reader = png::Decoder::new(std::io::Cursor::new(run.bytes("map.png")))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1654, 2339));
    let px = |rgb: [u8; 3]| buf.chunks(4).filter(|p| p[..3] == rgb).count();
    let covered = covgap::write::style::COVERED;
    assert!(
        px([covered.0, covered.1, covered.2]) > 500,
        "covered areas drawn"
    );
    let darkest = covgap::write::style::GAP_RAMP[3];
    assert!(
        px([darkest.0, darkest.1, darkest.2]) > 5_000,
        "largest gaps drawn"
    );
}

/// With every area covered the map says so: before, its title read "0 of 7,119 live births
/// (0.0%) were in the 0 of 5 areas with no team", its legend offered a shade for "0 or more"
/// with no area drawn in it, and "Largest gaps" headed nothing.
#[test]
fn map_says_every_area_has_a_team_when_none_is_a_gap() {
    let oxon = crate::fixture("boundaries/oxfordshire_wgs84.geojson");
    let run = crate::run_ok(&["--boundaries", &oxon]);
    let svg = run.text("map.svg");
    assert!(
        svg.contains("Every area has a team: all 7,119 live births were in an area with a team."),
        "{svg}"
    );
    assert!(!svg.contains("were in the 0 of 5"), "{svg}");
    assert!(
        svg.contains(">No team: none<") && !svg.contains("or more"),
        "{svg}"
    );
    assert!(svg.contains(">none: every area has a team<"), "{svg}");
}

/// The footer names the boundaries, figures and team list by their file names, not the
/// paths typed: a full path (/home/someone/...) would put a user's folders on a published
/// map. run.json keeps the paths.
#[test]
fn footer_names_the_input_files_without_their_folders() {
    let dir = tempfile::tempdir().unwrap();
    let f = |n: &str| crate::fixture_path(n).display().to_string();
    let (boundaries, births, teams) = (
        f("small_areas/districts_bng.geojson"),
        f("small_areas/births.csv"),
        f("small_areas/teams.csv"),
    );
    let o = crate::covgap_in(
        dir.path(),
        &[
            "run",
            "--quiet",
            "--out",
            "out",
            "--boundaries",
            &boundaries,
            "--births",
            &births,
            "--teams",
            &teams,
        ],
        Some("out"),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let svg = o.text("map.svg");
    let folder = crate::fixture_path("").display().to_string();
    assert!(!svg.contains(folder.trim_end_matches('/')), "{svg}");
    assert!(
        svg.contains("Areas: districts_bng.geojson. Live births: period not stated with --period, births.csv. Teams: teams.csv;"),
        "{svg}"
    );
    // run.json still says where each file was (read as JSON: a Windows path's `\` is
    // escaped in its text).
    let run: serde_json::Value = serde_json::from_str(&o.text("run.json")).unwrap();
    assert_eq!(
        crate::run_json_input(&run, "boundaries")["path"],
        boundaries.as_str()
    );
}

/// The largest gaps name each area in full, a long name on two lines: the map had cut
/// "Bournemouth, Christchurch and Poole" and "Kingston upon Hull, City of" short
/// ("Bournemouth, Christchur…"), and Northern Ireland's "Derry City and Strabane" too, names a
/// published map must give whole.
#[test]
fn largest_gaps_name_long_areas_in_full_on_two_lines() {
    // These districts' figures alone, so that they are the largest gaps.
    let births = "code,births\nE06000058,3573\nE06000010,3178\nN09000005,1809\nE06000022,1688\n";
    let o = crate::covgap_with_files(
        &[("births.csv", births)],
        &["run", "-q", "--out", "out", "--births", "births.csv"],
        Some("out"),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let svg = String::from_utf8(o.files.unwrap()["map.svg"].clone()).unwrap();
    assert!(!svg.contains('…'), "a name was cut short");
    for (first, rest) in [
        ("1. Bournemouth,", Some("Christchurch and Poole")),
        ("2. Kingston upon Hull,", Some("City of")),
        ("3. Derry City and Strabane", None),
        ("4. Bath and North East", Some("Somerset")),
    ] {
        let at = svg
            .find(&format!(">{first}<"))
            .unwrap_or_else(|| panic!("{first}: {svg}"));
        if let Some(rest) = rest {
            let next = svg[at..].find(&format!(">{rest}<"));
            assert!(next.is_some(), "{rest} after {first}");
        }
    }
}

/// The non-white pixels of `map.png` in its right margin (past 985 of the page's 1000
/// units; the legend's figures end at 980), by row.
fn ink_in_right_margin(png_bytes: &[u8]) -> usize {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let from = (w as f64 * 985.0 / covgap::write::map::PAGE_W) as usize;
    (0..h)
        .flat_map(|y| (from..w).map(move |x| (y, x)))
        .filter(|&(y, x)| buf[(y * w + x) * 4..][..3] != [255, 255, 255])
        .count()
}

/// Every line of the title fits the page: the line under the headline ("Live births, 1 July
/// 2019 to 30 June 2020. Teams counted: 28 of the 46 in the list (1 has no known place and
/// covers no area).") ran 21 units past the page's edge on the default run, so the published
/// map read "covers no are", and further on boundaries for part of the UK, whose line also
/// counts the teams serving only areas outside them. A line too long now goes on two, and the
/// map and legend move down to make room.
#[test]
fn title_lines_fit_the_page() {
    let run = crate::default_run();
    assert_eq!(ink_in_right_margin(run.bytes("map.png")), 0, "default run");
    let svg = run.text("map.svg");
    for words in [
        ">Live births, 1 July 2019 to 30 June 2020.",
        "Teams counted: 28 of the 46 in the list (1 has no known place and covers no area).<",
    ] {
        assert!(svg.contains(words), "{words}: {svg}");
    }

    // A period of the user's own, on boundaries for part of the UK: the period and the teams
    // each go on lines of their own.
    let oxon = crate::fixture("boundaries/oxfordshire_wgs84.geojson");
    let births = "code,births\nE07000177,1600\nE07000178,1700\nE07000179,1500\nE07000180,1400\nE07000181,1200\n";
    let period =
        "calendar year 2024, registrations by usual residence of the mother, provisional figures";
    let o = crate::covgap_with_files(
        &[("births.csv", births)],
        &[
            "run",
            "-q",
            "--out",
            "out",
            "--births",
            "births.csv",
            "--period",
            period,
            "--boundaries",
            &oxon,
        ],
        Some("out"),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let files = o.files.unwrap();
    assert_eq!(ink_in_right_margin(&files["map.png"]), 0, "Oxfordshire");
    let svg = String::from_utf8(files["map.svg"].clone()).unwrap();
    assert!(
        svg.contains(
            ">Teams counted: 1 of the 46 in the list (43 serve only areas outside these).<"
        ),
        "{svg}"
    );
}
