//! The `flcli` binary: everything lives in the library.

fn main() {
    std::process::exit(flcli::run(std::env::args_os()));
}
