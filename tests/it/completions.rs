//! Shell completions and the man page: the committed scripts in
//! `completions/` are exactly what the binary prints, file-valued flags
//! complete file names, and `flcli man` is a page `man` renders.

use crate::support;
use std::path::Path;

/// (shell, file name in completions/) as each shell expects it.
const SCRIPTS: &[(&str, &str)] = &[
    ("bash", "flcli.bash"),
    ("zsh", "_flcli"),
    ("fish", "flcli.fish"),
    ("elvish", "flcli.elv"),
    ("powershell", "_flcli.ps1"),
];

fn flcli(args: &[&str]) -> (i32, Vec<u8>, Vec<u8>) {
    let out = support::flcli().args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

fn completions_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/completions"))
}

#[test]
fn committed_scripts_match_the_binary() {
    // FLCLI_BLESS=1 rewrites the committed scripts (after a flag changed).
    let bless = std::env::var_os("FLCLI_BLESS").is_some_and(|v| !v.is_empty());
    let mut stale = Vec::new();
    for (shell, file) in SCRIPTS {
        let (code, script, err) = flcli(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {}", String::from_utf8_lossy(&err));
        assert!(
            err.is_empty(),
            "{shell}: stderr {:?}",
            String::from_utf8_lossy(&err)
        );
        assert!(
            String::from_utf8_lossy(&script).contains("flcli"),
            "{shell}: not a script for flcli"
        );
        let path = completions_dir().join(file);
        if bless {
            std::fs::create_dir_all(completions_dir()).unwrap();
            std::fs::write(&path, &script).unwrap();
            continue;
        }
        match std::fs::read(&path) {
            Ok(committed) if committed == script => {}
            Ok(_) => stale.push(format!(
                "completions/{file} differs from `flcli completions {shell}`"
            )),
            Err(e) => stale.push(format!("completions/{file}: {e}")),
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nRegenerate the committed scripts with:\n    FLCLI_BLESS=1 cargo test --test it completions::\nand commit completions/.",
        stale.join("\n")
    );
}

#[test]
fn scripts_complete_file_names_for_out_and_inputs() {
    // What each shell's script does with a FilePath hint, as clap_complete writes it.
    let (_, zsh, _) = flcli(&["completions", "zsh"]);
    let zsh = String::from_utf8(zsh).unwrap();
    assert!(
        zsh.contains("'--out=[")
            && zsh
                .lines()
                .any(|l| l.starts_with("'--out=[") && l.contains(":_files"))
    );
    assert!(
        zsh.lines().any(|l| l.contains(":FILE:_files")),
        "inputs complete files in zsh"
    );
    let (_, fish, _) = flcli(&["completions", "fish"]);
    let fish = String::from_utf8(fish).unwrap();
    assert!(
        fish.lines()
            .any(|l| l.contains("-l out") && l.contains("-F")),
        "fish: --out completes files (-F)"
    );
    let (_, bash, _) = flcli(&["completions", "bash"]);
    let bash = String::from_utf8(bash).unwrap();
    let out_case = bash.split("--out)").nth(1).expect("bash handles --out");
    let body = &out_case[..out_case.find(";;").unwrap()];
    assert!(
        body.contains("compgen -f"),
        "bash: --out completes files:\n{body}"
    );
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let (code, out, err) = flcli(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(String::from_utf8_lossy(&err).contains("possible values"));
}

#[test]
fn man_page_is_roff_with_the_global_flags() {
    let (code, out, err) = flcli(&["man"]);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let page = String::from_utf8(out).unwrap();
    assert!(page.contains(".TH flcli 1"), "title macro");
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"));
    // Every command and flag: src/cli/cli_tests.rs.
    for global in ["color", "quiet", "threads"] {
        assert!(page.contains(&format!("\\-\\-{global}")), "--{global}");
    }
    // No dangling references to per-command pages that are not installed.
    assert!(
        !page.contains("flcli\\-stats(1)"),
        "points at a missing page"
    );
    // `man` can render it (when man is installed; the roff checks above always run).
    if let Ok(o) = std::process::Command::new("man").arg("--version").output() {
        if o.status.success() {
            let dir = tempfile::tempdir().unwrap();
            let f = dir.path().join("flcli.1");
            std::fs::write(&f, &page).unwrap();
            let r = std::process::Command::new("man")
                .arg("-l")
                .arg(&f)
                .env("MANWIDTH", "100")
                .env("MANPAGER", "cat")
                .env("PAGER", "cat")
                .output()
                .unwrap();
            assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
            let text = String::from_utf8_lossy(&r.stdout);
            assert!(text.contains("COMMAND: flcli compare"), "{text}");
        }
    }
}

/// What bash's completion function offers for `words` (the last one is being completed), run in `dir`.
fn bash_complete(dir: &Path, words: &[&str]) -> Vec<String> {
    let (_, script, _) = flcli(&["completions", "bash"]);
    let script_path = dir.join("flcli.bash");
    std::fs::write(&script_path, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prog = format!(
        "source {}; COMP_WORDS=({}); COMP_CWORD={}; _flcli flcli '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script_path.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(prog)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_offers_files_not_flags_where_an_input_goes() {
    let dir = tempfile::tempdir().unwrap();
    // An empty reply makes bash complete file names (`complete -o default`).
    for words in [
        &["flcli", "stats", ""][..],
        &["flcli", "compare", "a.parquet", ""][..],
        &["flcli", "recommend", ""][..],
    ] {
        let reply = bash_complete(dir.path(), words);
        assert!(reply.is_empty(), "{words:?} offered {reply:?}");
    }
    let reply = bash_complete(dir.path(), &["flcli", "stats", "--ga"]);
    assert_eq!(reply, ["--gamma"]);
    let reply = bash_complete(dir.path(), &["flcli", "stats", "x.csv", "--mo"]);
    assert_eq!(reply, ["--mode"]);
    let reply = bash_complete(dir.path(), &["flcli", "stats", "--mode", ""]);
    assert_eq!(reply, ["binary", "softmax", "sigmoid"]);
    // Where no file goes, commands are still offered.
    let reply = bash_complete(dir.path(), &["flcli", "sta"]);
    assert_eq!(reply, ["stats"]);
}
