//! The documentation stays in sync with the code: the README opens with its
//! set-up commands on a committed fixture and stays short (that `docs/cli.md`
//! documents every command and flag: src/cli/cli_tests.rs), and no relative link in
//! the README, `docs/` or `benches/README.md` points to a file or heading that
//! does not exist.

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The most bytes the README may hold: one screen to read, the rest in `docs/`.
const README_MAX_BYTES: usize = 10_000;

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// README.md, benches/README.md and every Markdown file in docs/, as paths relative to the root.
fn documents() -> Vec<String> {
    let mut docs: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("docs"))
        .expect("docs/")
        .map(|e| {
            e.expect("docs/ entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    docs.insert(0, "benches/README.md".into());
    docs.insert(0, "README.md".into());
    docs
}

#[test]
fn setup_commands_are_at_the_top_and_use_a_committed_fixture() {
    let text = read("README.md");
    let top: String = text.lines().take(8).collect::<Vec<_>>().join("\n");
    let run = "cargo run --release -- stats fixtures/detection.parquet";
    assert!(top.contains(run), "README must open with `{run}`:\n{top}");
    assert!(
        top.contains("cargo test"),
        "README must open with `cargo test`:\n{top}"
    );
    assert!(Path::new(ROOT).join("fixtures/detection.parquet").is_file());
}

#[test]
fn readme_stays_short() {
    let n = read("README.md").len();
    assert!(
        n < README_MAX_BYTES,
        "README.md is {n} bytes (limit {README_MAX_BYTES}): move detail to docs/"
    );
}

#[test]
fn json_doc_names_every_key_of_every_report() {
    let text = read("docs/json.md");
    let schema = flcli::report::schema::json_schema();
    let defs = schema["$defs"].as_object().expect("$defs");
    let mut missing = Vec::new();
    let mut keys = 0;
    for (def, body) in defs {
        let Some(props) = body["properties"].as_object() else {
            continue;
        };
        for k in props.keys() {
            keys += 1;
            if !text.contains(&format!("`{k}`")) {
                missing.push(format!("{def}.{k}"));
            }
        }
    }
    assert!(keys > 100, "the schema lists only {keys} keys");
    assert!(
        missing.is_empty(),
        "docs/json.md does not name: {missing:?}"
    );
}

/// The targets of inline Markdown links `[text](target)` outside code.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop inline code spans, whose brackets are not links.
        let mut prose = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                prose.push_str(part);
            }
        }
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].trim().to_string());
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation other than `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown file's headings (outside code blocks).
fn anchors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.push(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn relative_links_point_to_files_and_headings_that_exist() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = read(&doc);
        let dir = Path::new(&doc)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, frag) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let rel: PathBuf = if file.is_empty() {
                PathBuf::from(&doc)
            } else {
                dir.join(file)
            };
            let path = Path::new(ROOT).join(&rel);
            checked += 1;
            if !path.exists() {
                broken.push(format!("{doc}: ({target}): no file {}", rel.display()));
                continue;
            }
            if let Some(frag) = frag {
                let is_md = path.extension().is_some_and(|e| e == "md");
                let body = std::fs::read_to_string(&path).unwrap_or_default();
                if is_md && !anchors(&body).iter().any(|a| a == frag) {
                    broken.push(format!("{doc}: ({target}): no heading #{frag}"));
                }
            }
        }
    }
    assert!(checked >= 10, "only {checked} relative links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_checker_can_fail() {
    let text = "see [a](docs/a.md) and `[not](code.md)`\n```\n[x](fenced.md)\n```\n[b](../b.md#the-plot---plot)";
    assert_eq!(link_targets(text), ["docs/a.md", "../b.md#the-plot---plot"]);
    assert_eq!(anchor(" The plot (`--plot`)"), "the-plot---plot");
    assert_eq!(anchor(" `flcli compare --json`"), "flcli-compare---json");
    assert!(anchors("# A b\n```\n# not a heading\n```\n## C").contains(&"c".to_string()));
    assert!(!anchors("```\n# not a heading\n```").contains(&"not-a-heading".to_string()));
}
