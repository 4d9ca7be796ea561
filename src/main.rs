//! The `covgap` command: argument parsing and glue. The work lives in the library.
//!
//! Exit codes: 0 success; 1 a problem in the inputs or outputs (every problem is listed);
//! 2 a usage error (unknown flag, bad value).

mod cli;

fn main() {
    std::process::exit(cli::main());
}
