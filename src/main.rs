//! The `ostrom` binary. All it does is hand over to [`cli`], which parses the
//! command line into a validated configuration and runs the subcommand.

mod cli;

/// mimalloc: glibc's malloc and free were a tenth of the CPU an edit costs
/// under 64 writers (many small, short-lived buffers across threads).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
