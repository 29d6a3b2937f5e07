//! The `ostrom` binary. All it does is hand over to [`cli`], which parses the
//! command line into a validated configuration and runs the subcommand.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
