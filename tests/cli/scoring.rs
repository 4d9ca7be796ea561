//! The scoring rules of "How coverage and distance are defined", each held on inputs small
//! enough to work out by hand: which team an area's nearest team is, and the totals the
//! rollups give.

use crate::{fixture, run_ok};

/// "When several teams cover that nearest area, covgap names the first in list order." Two
/// teams serve the Oxford square; the Vale square's point (450000, 197750) is 2.25 km from
/// it. Whichever team comes first in the list is the one named, in both orders, so the name
/// is decided by the list and not by the teams' names or their order in the code.
#[test]
fn nearest_team_is_the_first_in_list_order_of_those_covering_the_nearest_area() {
    for (teams, first, second) in [
        (
            "teams/two_teams_serving_oxford.csv",
            "First team",
            "Second team",
        ),
        (
            "teams/two_teams_serving_oxford_other_order.csv",
            "Second team",
            "First team",
        ),
    ] {
        let run = run_ok(&[
            "--boundaries",
            &fixture("boundaries/bng_distance_2250m.geojson"),
            "--teams",
            &fixture(teams),
        ]);
        let areas = run.areas();
        let (oxford, vale) = (&areas["E07000178"], &areas["E07000180"]);
        assert_eq!(oxford["teams"], format!("{first}; {second}"), "{teams}");
        assert_eq!(oxford["nearest_team"], first, "{teams}");
        assert_eq!(oxford["nearest_team_km"], 0.0, "{teams}");
        assert_eq!(vale["teams"], "", "{teams}");
        assert_eq!(vale["nearest_team"], first, "{teams}");
        assert_eq!(vale["nearest_team_km"], 2.3, "{teams}");
        let gaps = run.text("gaps.csv");
        assert!(gaps.contains(&format!(",{first},2.3,")), "{teams}: {gaps}");
    }
}
