//! The clap definitions against what is generated from them and what is
//! written about them: every path-valued flag completes file names, and the
//! man page and `docs/cli.md` name every command and flag.

use super::Cli;
use clap::builder::ValueHint;
use clap::CommandFactory;

#[test]
fn every_path_valued_argument_completes_file_names() {
    let path_type = clap::value_parser!(std::path::PathBuf).type_id();
    let root = Cli::command();
    let mut stack = vec![root];
    let mut checked = Vec::new();
    let mut missing = Vec::new();
    while let Some(cmd) = stack.pop() {
        for arg in cmd.get_arguments() {
            if arg.get_value_parser().type_id() != path_type {
                continue;
            }
            let name = format!("{} {}", cmd.get_name(), arg.get_id());
            match arg.get_value_hint() {
                ValueHint::FilePath | ValueHint::AnyPath | ValueHint::DirPath => checked.push(name),
                other => missing.push(format!("{name} ({other:?})")),
            }
        }
        stack.extend(cmd.get_subcommands().cloned());
    }
    assert!(
        missing.is_empty(),
        "path-valued flags without value_hint = ValueHint::FilePath/AnyPath/DirPath: {missing:?}"
    );
    // The inputs and -o of every report command, at least.
    for want in [
        "stats files",
        "stats out",
        "compare files",
        "compare out",
        "recommend out",
    ] {
        assert!(
            checked.iter().any(|c| c == want),
            "{want} not found among {checked:?}"
        );
    }
}

#[test]
fn man_page_documents_every_command_and_flag() {
    let page = crate::cmd::docs::man_page().unwrap();
    let cli = Cli::command();
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        assert!(
            page.contains(&format!(".SH \"COMMAND: flcli {name}\"")),
            "no section for {name}"
        );
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                // roff escapes '-' as '\-'.
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(
                    page.contains(&roff),
                    "{name} --{long} missing from the man page"
                );
            }
        }
    }
}

#[test]
fn every_flag_of_every_command_is_documented() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md")).unwrap();
    let cli = Cli::command();
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
    assert!(
        missing.is_empty(),
        "docs/cli.md does not document: {missing:?}"
    );
}
