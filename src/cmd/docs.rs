//! `flcli completions` and `flcli man`: documentation generated from the
//! clap definitions in `cli.rs`, so it cannot drift from the flags.

use crate::cli::Cli;
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;

/// A completion script for `shell`, as committed in `completions/`.
pub(crate) fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "flcli", &mut buf);
    if shell == clap_complete::Shell::Bash {
        let files: Vec<String> = cmd
            .get_subcommands()
            .filter(|s| takes_files(s))
            .map(|s| s.get_name().to_string())
            .collect();
        return bash_files_first(&String::from_utf8_lossy(&buf), &files).into_bytes();
    }
    buf
}

/// Whether a command's positional arguments are paths.
fn takes_files(cmd: &clap::Command) -> bool {
    use clap::ValueHint::{AnyPath, FilePath};
    cmd.get_positionals()
        .any(|a| matches!(a.get_value_hint(), AnyPath | FilePath))
}

/// clap's bash script offers every flag where a command's positional goes,
/// so `flcli stats <TAB>` inserts their common prefix `-`. For the commands
/// in `files`, flags are offered only after a `-`; elsewhere the script
/// leaves the reply empty, and `complete -o default` completes file names.
fn bash_files_first(script: &str, files: &[String]) -> String {
    let mut out = String::with_capacity(script.len());
    let mut inside = false;
    for line in script.lines() {
        let t = line.trim_start();
        if line.starts_with("        flcli__subcmd__") && t.ends_with(')') {
            inside = files.iter().any(|f| t == format!("flcli__subcmd__{f})"));
        } else if line == "    esac" {
            inside = false;
        }
        if inside && t.starts_with("if [[ ${cur} == -* || ${COMP_CWORD} -eq ") {
            out.push_str("            if [[ ${cur} == -* ]] ; then\n");
        } else if inside
            && line == "            COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )"
        {
            out.push_str("            COMPREPLY=()\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `flcli completions SHELL`, written whole (a closed pipe is an error, not a panic).
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<i32> {
    std::io::stdout()
        .lock()
        .write_all(&completion_script(shell))?;
    Ok(0)
}

/// Turns the top-level `.SH` headings of a rendered section into `.SS`, so a
/// subcommand's sections nest under its own `.SH`.
fn demote(roff: &[u8]) -> String {
    String::from_utf8_lossy(roff)
        .lines()
        .map(|l| match l.strip_prefix(".SH ") {
            Some(rest) => format!(".SS {rest}\n"),
            None => format!("{l}\n"),
        })
        .collect()
}

/// The whole man page: clap_mangen's page for `flcli` (global flags and the
/// list of commands), then one section per command with its synopsis,
/// description (with its example) and flags. One page, so `man flcli`
/// documents every flag.
pub(crate) fn man_page() -> Result<String> {
    // `flcli help` needs no page of its own.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut top = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut top)?;
    let mut page = String::from_utf8_lossy(&top).into_owned();
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        // The list of commands points at flcli-NAME(1) pages: they are sections of this one.
        page = page.replace(&format!("flcli\\-{name}(1)"), &format!("flcli {name}"));
        // Global flags are documented once, at the top.
        let mut local = sub.clone();
        for g in cmd.get_arguments().filter(|a| a.is_global_set()) {
            local = local.mut_arg(g.get_id(), |a| a.hide(true));
        }
        let man = clap_mangen::Man::new(local);
        let mut buf = Vec::new();
        man.render_synopsis_section(&mut buf)?;
        man.render_description_section(&mut buf)?;
        man.render_options_section(&mut buf)?;
        page.push_str(&format!(".SH \"COMMAND: flcli {name}\"\n"));
        page.push_str(&demote(&buf));
    }
    Ok(page)
}

/// `flcli man`.
pub(crate) fn man() -> Result<i32> {
    std::io::stdout().lock().write_all(man_page()?.as_bytes())?;
    Ok(0)
}
