//! `covgap diff`: what changed between two runs' output folders.

use std::path::PathBuf;

use clap::Args;

use super::hold_folders;

#[derive(Args, Debug)]
pub(super) struct DiffArgs {
    /// Output folder of the earlier `covgap run`.
    #[arg(value_name = "OLD_DIR")]
    old: PathBuf,
    /// Output folder of the later `covgap run`.
    #[arg(value_name = "NEW_DIR")]
    new: PathBuf,
    /// Folder to write diff.md and diff.csv into; without it the Markdown goes to standard output.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print only errors (the warnings are also at the top of diff.md).
    #[arg(long, short)]
    quiet: bool,
}

pub(super) fn run(args: DiffArgs) -> i32 {
    let read = |d: &PathBuf| covgap::diff::RunOutputs::read(d);
    let (old, new) = match (read(&args.old), read(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            say!("covgap: {e}");
            return 1;
        }
    };
    let d = covgap::diff::diff(&old, &new);
    if !args.quiet {
        for w in d.warnings() {
            say!("warning: {w}");
        }
    }
    let md = d.markdown();
    match &args.out {
        None => {
            // Into `head`, which quits when it has its lines, the rest is not wanted: not an
            // error, and no panic (as `print!` would).
            use std::io::Write as _;
            let _ = std::io::stdout().lock().write_all(md.as_bytes());
            0
        }
        Some(dir) => {
            let files = [
                covgap::write::OutputFile {
                    name: "diff.md".into(),
                    bytes: md.into_bytes(),
                },
                covgap::write::OutputFile {
                    name: "diff.csv".into(),
                    bytes: d.csv(),
                },
            ];
            let runs = [args.old.clone(), args.new.clone()];
            let read: Vec<PathBuf> = runs
                .iter()
                .flat_map(|r| ["summary.json", "run.json"].map(|n| r.join(n)))
                .collect();
            if let Err(e) = covgap::write::folder_for_output(dir, "give --out a folder") {
                say!("covgap: {e}");
                return 1;
            }
            let _hold = hold_folders(&[dir], args.quiet);
            match covgap::write::commit(dir, &files, &read, covgap::write::DIFF_OUTPUTS) {
                Ok(paths) => {
                    if !args.quiet {
                        for p in paths {
                            say!("  wrote {}", p.display());
                        }
                    }
                    0
                }
                Err(e) => {
                    say!("covgap: {e}");
                    1
                }
            }
        }
    }
}
