//! `--output html`: snapshots of the page for one fixture per command, and the
//! pages of every fixture opened in headless Chromium: no console message
//! (a blocked request shows up as a Content-Security-Policy violation there),
//! the script ran, the class names, γ values and recommendation are in the
//! DOM, and a screenshot lands in `target/html-screenshots/` for a person;
//! with the print style at the width of A4, nothing sticks out of the page.

use crate::support::{fixture, flcli};
use std::path::Path;

/// Runs flcli and returns stdout; panics with stderr on failure.
fn run(args: &[&str]) -> String {
    let out = flcli().args(args).arg("-q").output().unwrap();
    assert!(
        out.status.success(),
        "flcli {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The report of one command on one fixture, as HTML and as JSON.
struct Case {
    name: &'static str,
    args: Vec<String>,
}

impl Case {
    fn new(name: &'static str, command: &str, file: &str, extra: &[&str]) -> Case {
        let mut args = vec![command.to_string(), fixture(file).display().to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        Case { name, args }
    }

    fn with(&self, more: &[&str]) -> Vec<String> {
        let mut a = self.args.clone();
        a.extend(more.iter().map(|s| s.to_string()));
        a
    }

    fn html(&self) -> String {
        let a = self.with(&["--output", "html"]);
        run(&a.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn json(&self) -> serde_json::Value {
        let a = self.with(&["--json"]);
        serde_json::from_str(&run(&a.iter().map(String::as_str).collect::<Vec<_>>())).unwrap()
    }
}

const GRID: &[&str] = &["--gamma", "0,1,2,5", "--alpha", "0.25,none"];

fn cases() -> Vec<Case> {
    vec![
        Case::new("stats_detection", "stats", "detection.parquet", &[]),
        Case::new(
            "stats_detection_by_size",
            "stats",
            "detection.parquet",
            &["--by", "size"],
        ),
        Case::new("compare_detection", "compare", "detection.parquet", GRID),
        Case::new("recommend_detection", "recommend", "detection.parquet", &[]),
        Case::new("stats_longtail", "stats", "longtail.parquet", &[]),
        Case::new(
            "compare_longtail",
            "compare",
            "longtail.parquet",
            &["--gamma", "0,1,2,5"],
        ),
        Case::new("recommend_longtail", "recommend", "longtail.parquet", &[]),
        Case::new(
            "stats_sigmoid",
            "stats",
            "sigmoid.parquet",
            &["--mode", "sigmoid"],
        ),
        Case::new(
            "compare_sigmoid",
            "compare",
            "sigmoid.parquet",
            &["--mode", "sigmoid", "--gamma", "0,2,5"],
        ),
        Case::new(
            "recommend_sigmoid",
            "recommend",
            "sigmoid.parquet",
            &["--mode", "sigmoid"],
        ),
    ]
}

/// Paths differ between machines, and the last bit of a sum between
/// platforms' `ln`: snapshots show file names only and sort keys to 10 digits.
fn portable(html: &str) -> String {
    let dir = fixture("").display().to_string();
    let text = html.replace(&format!("{dir}/"), "").replace(&dir, "");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("data-value=\"") {
        let start = i + "data-value=\"".len();
        let end = start + rest[start..].find('"').unwrap();
        out.push_str(&rest[..start]);
        let v = &rest[start..end];
        match v.parse::<f64>() {
            Ok(x) => out.push_str(&format!("{}", format!("{x:.9e}").parse::<f64>().unwrap())),
            Err(_) => out.push_str(v),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn snapshot_stats_detection() {
    insta::assert_snapshot!(portable(&cases()[0].html()));
}

#[test]
fn snapshot_compare_detection() {
    let c = Case::new(
        "",
        "compare",
        "detection.parquet",
        &["--gamma", "0,2", "--alpha", "0.25"],
    );
    insta::assert_snapshot!(portable(&c.html()));
}

#[test]
fn snapshot_recommend_detection() {
    insta::assert_snapshot!(portable(&cases()[3].html()));
}

#[test]
fn extension_html_picks_the_format_and_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("odd.csv");
    std::fs::write(
        &csv,
        "label,p_<b>cat</b>,\"p_dog&\"\"'\"\n<b>cat</b>,0.9,0.1\n\"dog&\"\"'\",0.2,0.8\n",
    )
    .unwrap();
    let out = dir.path().join("report.html");
    flcli()
        .args([
            "stats",
            csv.to_str().unwrap(),
            "-q",
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(
        !html.contains("<b>cat</b>"),
        "unescaped class name:\n{html}"
    );
    assert!(html.contains("&lt;b&gt;cat&lt;/b&gt;"), "{html}");
    assert!(html.contains("dog&amp;&quot;&#39;"), "{html}");
}

/// Everything the page could load from elsewhere.
fn external_references(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    [
        "http://", "https://", "src=", "href=", "url(", "@import", "//cdn",
    ]
    .iter()
    .filter(|p| lower.contains(*p))
    .map(|p| p.to_string())
    .collect()
}

#[test]
fn pages_are_self_contained_and_small() {
    for c in cases() {
        let html = c.html();
        assert_eq!(
            external_references(&html),
            Vec::<String>::new(),
            "{}",
            c.name
        );
        assert!(html.contains("Content-Security-Policy"), "{}", c.name);
        assert!(html.len() < 2_000_000, "{}: {} bytes", c.name, html.len());
    }
    assert_eq!(external_references("<img src=\"https://x\">").len(), 2);
}

/// An 80-class sigmoid dump: a long tail of positives over 60% background rows.
fn eighty_classes(path: &Path, rows: usize) {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut unit = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut text = String::from("label");
    for k in 0..80 {
        text.push_str(&format!(",logit_{k}"));
    }
    text.push('\n');
    for _ in 0..rows {
        let label: i64 = if unit() < 0.6 {
            -1
        } else {
            ((-unit().max(1e-12).ln() * 15.0) as i64).min(79)
        };
        text.push_str(&label.to_string());
        for k in 0..80 {
            let x = if k == label {
                4.0 * unit() - 1.0
            } else {
                -3.0 - 4.0 * unit()
            };
            text.push_str(&format!(",{x:.4}"));
        }
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_eighty_class_report_stays_under_two_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("eighty.csv");
    eighty_classes(&csv, 3000);
    let file = csv.to_str().unwrap();
    for command in ["stats", "compare", "recommend"] {
        let html = run(&[command, file, "--mode", "sigmoid", "--output", "html"]);
        assert!(
            html.contains("<dt>classes</dt><dd>80: "),
            "{command}: not 80 classes"
        );
        assert!(html.len() < 2_000_000, "{command}: {} bytes", html.len());
    }
}

/// Chromium's stderr lines that are console messages (errors, CSP violations, logs).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// Opens `page` in headless Chromium; returns the DOM after scripts ran and the console lines.
fn chromium(page: &Path, png: &Path) -> (String, Vec<String>) {
    chromium_at(page, png, "1200,2400")
}

/// [`chromium`] with a window of `size` ("width,height" in CSS pixels).
fn chromium_at(page: &Path, png: &Path, size: &str) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={size}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "chromium failed:\n{stderr}");
    let console = console_lines(&stderr)
        .into_iter()
        .map(str::to_string)
        .collect();
    (String::from_utf8(out.stdout).unwrap(), console)
}

/// Whether Chromium is here; in CI its absence is a failure.
fn have_chromium() -> bool {
    let found = std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed: `apt-get install -y chromium` (Debian) to run the browser test"
        );
        eprintln!(
            "notice: chromium not installed, browser test skipped (apt-get install -y chromium)"
        );
    }
    found
}

/// Text as a DOM serialiser writes it in an element.
fn dom_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn chromium_renders_every_page_without_console_messages() {
    if !have_chromium() {
        return;
    }
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/html-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // The check can fail: a page that asks for the network is reported.
    let bad = dir.path().join("bad.html");
    let page = cases()[0]
        .html()
        .replace("<main>", "<main><img src=\"http://127.0.0.1:9/x.png\">");
    std::fs::write(&bad, page).unwrap();
    let (_, console) = chromium(&bad, &dir.path().join("bad.png"));
    assert!(
        console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "a blocked request must show in the console log: {console:?}"
    );

    for c in cases() {
        let page = dir.path().join(format!("{}.html", c.name));
        std::fs::write(&page, c.html()).unwrap();
        let png = shots.join(format!("{}.png", c.name));
        let (dom, console) = chromium(&page, &png);
        assert!(
            console.is_empty(),
            "{}: console messages {console:?}",
            c.name
        );
        assert!(
            dom.contains("data-sortable=\""),
            "{}: the script did not run",
            c.name
        );
        assert!(
            dom.contains("<th scope=\"col\" tabindex=\"0\""),
            "{}",
            c.name
        );
        let r = c.json();
        let names: Vec<String> = r["input"]["class_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| dom_text(n.as_str().unwrap()))
            .collect();
        let listed = format!(
            "<dt>classes</dt><dd>{}: {}</dd>",
            names.len(),
            names.join(", ")
        );
        assert!(dom.contains(&listed), "{}: class names not listed", c.name);
        assert!(
            dom.contains("<title>Reliability diagram ("),
            "{}: no reliability diagram",
            c.name
        );
        if r["command"] != "compare" {
            let bars = format!("<title>Rows per class, {} classes</title>", names.len());
            assert!(dom.contains(&bars), "{}: no class frequency bars", c.name);
            for name in &names {
                let cell = format!("<th scope=\"row\">{name}</th>");
                assert!(dom.contains(&cell), "{}: no row for class {name}", c.name);
            }
        }
        let params = r.get("params").unwrap();
        if let Some(gs) = params.get("gammas").and_then(|g| g.as_array()) {
            for g in gs {
                let legend = format!("γ = {}", g.as_f64().unwrap());
                assert!(
                    dom.contains(&legend),
                    "{}: no curve labelled {legend}",
                    c.name
                );
            }
        }
        if let Some(rec) = r.get("recommendation") {
            for s in rec["rationale"].as_array().unwrap() {
                let s = dom_text(s.as_str().unwrap());
                assert!(dom.contains(&s), "{}: rationale missing: {s}", c.name);
            }
            let v = format!(
                "<code>{}</code>",
                dom_text(rec["variant"].as_str().unwrap())
            );
            assert!(dom.contains(&v), "{}: no recommended variant", c.name);
        }
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 10_000,
            "{}: screenshot {} has {size} bytes",
            c.name,
            png.display()
        );
    }
}

/// A4 (210 mm) less the page's 12 mm margins, in CSS pixels (96 per inch).
const A4_CONTENT_PX: u32 = 703;

/// Measures, after load, what sticks out of the page's width with the print
/// style in force and every slice open (as `beforeprint` opens them).
const MEASURE: &str = r#"<script>window.addEventListener('load',function(){document.querySelectorAll('details').forEach(function(d){d.open=true});var w=document.documentElement.clientWidth;var bad=[];document.querySelectorAll('table,figure,svg,pre,dl,h1,h2,p,li').forEach(function(e){var r=e.getBoundingClientRect();if(r.right>w+0.5||r.left<-0.5)bad.push(e.tagName.toLowerCase()+':'+Math.round(r.left)+'..'+Math.round(r.right))});document.body.setAttribute('data-width',w);document.body.setAttribute('data-overflow',bad.join(' '))})</script>"#;

#[test]
fn printed_on_a4_no_table_or_figure_is_cut() {
    if !have_chromium() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cases = cases();
    let wide = dir.path().join("wide.csv");
    eighty_classes(&wide, 2000);
    let wide = wide.to_str().unwrap();
    cases.push(Case::new(
        "compare_80",
        "compare",
        wide,
        &[
            "--mode",
            "sigmoid",
            "--gamma",
            "0,0.5,1,2,5",
            "--alpha",
            "0.25,0.5,none",
        ],
    ));
    cases.push(Case::new("stats_80", "stats", wide, &["--mode", "sigmoid"]));
    for c in cases {
        let html = c.html();
        assert!(
            html.contains("@page{size:A4"),
            "{}: the print style names the paper",
            c.name
        );
        // The print rules in force on screen, at the printable width of A4.
        let page = html
            .replace("@media print{", "@media all{")
            .replace("</body>", &format!("{MEASURE}</body>"));
        let path = dir.path().join(format!("{}.html", c.name));
        std::fs::write(&path, page).unwrap();
        let (dom, console) = chromium_at(
            &path,
            &dir.path().join(format!("{}.png", c.name)),
            &format!("{A4_CONTENT_PX},1100"),
        );
        assert!(
            console.is_empty(),
            "{}: console messages {console:?}",
            c.name
        );
        let attr = |name: &str| -> Option<String> {
            let key = format!("{name}=\"");
            let i = dom.find(&key)? + key.len();
            Some(dom[i..i + dom[i..].find('"')?].to_string())
        };
        let width: u32 = attr("data-width")
            .unwrap_or_else(|| panic!("{}: the measuring script did not run", c.name))
            .parse()
            .unwrap();
        assert!(width <= A4_CONTENT_PX, "{}: page width {width}", c.name);
        let over = attr("data-overflow").unwrap();
        assert!(
            over.is_empty(),
            "{}: wider than A4's {width} px when printed: {over}",
            c.name
        );
    }
}
