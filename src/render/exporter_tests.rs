//! The Markdown and CSV exporters show only what the JSON report holds: a
//! report rendered as computed equals the same report rendered after a trip
//! through its JSON, for the committed fixtures.

use super::csv::CsvExporter;
use super::markdown::MarkdownExporter;
use super::{Exporter, Style};
use crate::report::Report;

/// The report of `args` (a subcommand, a fixture, flags), computed in-process.
fn computed(args: &[&str]) -> Report {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/");
    let args: Vec<String> = args
        .iter()
        .map(|a| match a.strip_suffix(".parquet") {
            Some(_) => format!("{fixtures}{a}"),
            None => a.to_string(),
        })
        .collect();
    crate::api::evaluate(&args, None)
        .unwrap_or_else(|e| panic!("{args:?}: {e:#}"))
        .0
}

/// `r` after serialising it to JSON and reading it back.
fn through_json(r: &Report) -> Report {
    fn back<T: serde::Serialize + serde::de::DeserializeOwned>(x: &T) -> T {
        serde_json::from_str(&serde_json::to_string(x).unwrap()).unwrap()
    }
    match r {
        Report::Stats(x) => Report::Stats(back(x)),
        Report::Compare(x) => Report::Compare(back(x)),
        Report::Recommend(x) => Report::Recommend(back(x)),
    }
}

#[test]
fn exporters_render_the_json_report_as_the_computed_one() {
    let cases: [&[&str]; 4] = [
        &["stats", "longtail.parquet"],
        &[
            "compare",
            "detection.parquet",
            "--gamma",
            "0,1,2,5",
            "--alpha",
            "0.25,0.5,none",
        ],
        &["recommend", "longtail.parquet"],
        &["stats", "detection.parquet", "--by", "size"],
    ];
    let exporters: [(&str, &dyn Exporter); 2] =
        [("markdown", &MarkdownExporter), ("csv", &CsvExporter)];
    for args in cases {
        let r = computed(args);
        let back = through_json(&r);
        for (name, e) in exporters {
            let want = e.render(&r, Style::default()).unwrap();
            let got = e.render(&back, Style::default()).unwrap();
            assert_eq!(got, want, "{args:?} {name}");
        }
    }
}
