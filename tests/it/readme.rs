//! The README stays in sync with the code: its set-up commands come first and
//! work on a committed fixture, and it documents every flag `--help` shows.

use clap::CommandFactory;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn setup_commands_are_at_the_top_and_use_a_committed_fixture() {
    let text = readme();
    let top: String = text.lines().take(8).collect::<Vec<_>>().join("\n");
    let run = "cargo run --release -- stats fixtures/detection.parquet";
    assert!(top.contains(run), "README must open with `{run}`:\n{top}");
    assert!(
        top.contains("cargo test"),
        "README must open with `cargo test`:\n{top}"
    );
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/detection.parquet");
    assert!(std::path::Path::new(fixture).is_file());
}

#[test]
fn every_flag_of_every_command_is_documented() {
    let text = readme();
    let cli = flcli::cli::Cli::command();
    let mut commands = vec![&cli];
    commands.extend(cli.get_subcommands());
    let mut missing = Vec::new();
    for cmd in commands {
        for arg in cmd.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if matches!(long, "help" | "version") {
                continue;
            }
            if !text.contains(&format!("`--{long}")) && !text.contains(&format!(" --{long}")) {
                missing.push(format!("{} --{long}", cmd.get_name()));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() != "help" && !text.contains(&format!("flcli {}", sub.get_name())) {
                missing.push(format!("command {}", sub.get_name()));
            }
        }
    }
    assert!(missing.is_empty(), "README does not document: {missing:?}");
}
