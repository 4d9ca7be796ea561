//! The `covgap` command: argument parsing and glue. The work lives in the library.
//!
//! Exit codes: 0 success; 1 a problem in the inputs or outputs (every problem is listed);
//! 2 a usage error (unknown flag, bad value).

mod cli;

/// mimalloc keeps and reuses the memory a run frees. With the system allocator every large
/// buffer (the map's page, the outputs) was mapped fresh and faulted in page by page.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::main());
}
