//! What reproduces a recommendation outside `recommend`: the `flcli compare`
//! command that evaluates exactly the recommended loss on the same input, and
//! the PyTorch code that computes the same mean loss from the same tensors.

use crate::cli::{InputArgs, LossArgs};
use crate::model::{Mode, ScoreKind, VariantKind};
use crate::report::compare::{Reproduce, Variant};
use crate::report::InputInfo;
use serde_json::Value;

/// Both forms for the recommended variant `v` of a run with these flags.
/// `cb_min` is the least count of the class-balanced weights.
pub(crate) fn reproduce(
    input: &InputArgs,
    loss: &LossArgs,
    cb_min: u64,
    info: &InputInfo,
    v: &Variant,
) -> Reproduce {
    Reproduce {
        flcli: compare_command(input, loss, cb_min, info, v),
        pytorch: pytorch(info.mode, info.score_kind, v, loss.sums.eps),
    }
}

/// Quotes `s` for a POSIX shell when it holds anything but safe characters.
fn shell(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./,=:+@%".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// An α of a report as the value of `--alpha`: `none`, `0.25`, or a per-class list.
fn alpha_flag(a: &Value) -> String {
    match a {
        Value::Array(ws) => ws
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(","),
        Value::Null => "none".into(),
        v => v.to_string(),
    }
}

/// The input and loss flags of this run (the files and every flag that was
/// given or differs from its default), then the flags that select `v`.
fn compare_command(
    input: &InputArgs,
    loss: &LossArgs,
    cb_min: u64,
    info: &InputInfo,
    v: &Variant,
) -> String {
    let mut args: Vec<String> = vec!["flcli".into(), "compare".into()];
    args.extend(input.files.iter().map(|f| f.display().to_string()));
    let mut flag = |name: &str, value: Option<String>| {
        if let Some(x) = value {
            args.push(name.into());
            args.push(x);
        }
    };
    flag(
        "--input-format",
        input
            .input_format
            .and_then(|f| clap::ValueEnum::to_possible_value(&f))
            .map(|v| v.get_name().to_string()),
    );
    flag(
        "--delimiter",
        (input.delimiter != ",").then(|| input.delimiter.clone()),
    );
    // Partial results and sums tables record their mode; the flag is for
    // reading data files.
    flag(
        "--mode",
        (info.format != "partial" && info.format != "sql_sums").then(|| info.mode.as_str().into()),
    );
    flag("--label", input.label.clone());
    flag("--targets", input.targets.clone());
    flag("--prob", input.prob.clone());
    flag("--probs", input.probs.clone());
    flag("--logit", input.logit.clone());
    flag("--logits", input.logits.clone());
    flag("--positive", input.positive.clone());
    flag(
        "--background",
        (input.background != -1).then(|| input.background.to_string()),
    );
    flag(
        "--ignore-index",
        (input.ignore_index != -100).then(|| input.ignore_index.to_string()),
    );
    flag(
        "--labels-npy",
        input.labels_npy.as_ref().map(|p| p.display().to_string()),
    );
    flag(
        "--eps",
        (loss.sums.eps != 1e-7).then(|| loss.sums.eps.to_string()),
    );
    flag(
        "--buckets",
        (loss.sums.buckets != "0,0.1,0.25,0.5,0.75,0.9,0.99,1").then(|| loss.sums.buckets.clone()),
    );
    flag(
        "--easy",
        (loss.sums.easy != 0.9).then(|| loss.sums.easy.to_string()),
    );
    match v.kind {
        VariantKind::Cb => {
            flag("--gamma", Some("0".into()));
            flag(
                "--variant",
                Some(
                    crate::analysis::variants::Named::Cb(loss.beta, v.gamma.unwrap_or(0.0), cb_min)
                        .to_string(),
                ),
            );
        }
        VariantKind::Flsd53 => {
            flag("--gamma", Some("0".into()));
            flag("--alpha", Some(alpha_flag(&v.alpha)));
            flag("--variant", Some("flsd53".into()));
        }
        _ => {
            flag("--gamma", Some(v.gamma.unwrap_or(0.0).to_string()));
            flag("--alpha", Some(alpha_flag(&v.alpha)));
        }
    }
    if input.skip_invalid {
        args.push("--skip-invalid".into());
    }
    if input.channels_last {
        args.push("--channels-last".into());
    }
    args.iter().map(|a| shell(a)).collect::<Vec<_>>().join(" ")
}

/// PyTorch code whose `loss` is the variant's mean loss. It expects
/// `logits` (or `probs`) as a float64 tensor, (N,) in binary mode and (N, K)
/// otherwise, and `targets`: the 0/1 labels (binary), the class indices
/// (softmax) or the one-hot (N, K) targets with all-zero background rows
/// (sigmoid; multi-label: the multi-hot targets); rows with the ignore index left out.
fn pytorch(mode: Mode, kind: ScoreKind, v: &Variant, eps: f64) -> String {
    let gamma = match v.kind {
        VariantKind::Flsd53 => "torch.where(p_t < 0.2, 5.0, 3.0)".to_string(),
        // A Python float literal: Debug keeps the decimal point (`2.0`).
        _ => format!("{:?}", v.gamma.unwrap_or(0.0)),
    };
    let logits = match kind {
        ScoreKind::Logits => "logits".to_string(),
        // flcli clamps probabilities; their logits give back the same ln p_t.
        ScoreKind::Probabilities => format!("torch.logit(probs.clamp({eps:e}, 1 - {eps:e}))"),
    };
    if mode != Mode::Softmax {
        let alpha = match &v.alpha {
            Value::Number(a) => a.to_string(),
            _ => "-1".into(),
        };
        if v.kind == VariantKind::Focal {
            return format!(
                "loss = torchvision.ops.sigmoid_focal_loss({logits}, targets.double(), alpha={alpha}, gamma={gamma}, reduction=\"mean\")"
            );
        }
        let weight = match &v.alpha {
            Value::Number(a) => format!(
                "torch.where(targets == 1, {a}, {})",
                1.0 - a.as_f64().unwrap_or(0.0)
            ),
            _ => "1.0".into(),
        };
        return format!(
            "ce = F.binary_cross_entropy_with_logits({logits}, targets.double(), reduction=\"none\"); p_t = torch.exp(-ce); loss = ({weight} * (1 - p_t) ** {gamma} * ce).mean()"
        );
    }
    let (p_t, log_p_t) = match kind {
        ScoreKind::Logits => (
            "log_p_t.exp()".to_string(),
            "torch.log_softmax(logits, dim=1).gather(1, targets[:, None]).squeeze(1)".to_string(),
        ),
        ScoreKind::Probabilities => (
            format!("probs.clamp({eps:e}, 1 - {eps:e}).gather(1, targets[:, None]).squeeze(1)"),
            "p_t.log()".to_string(),
        ),
    };
    let first = match kind {
        ScoreKind::Logits => format!("log_p_t = {log_p_t}; p_t = {p_t}"),
        ScoreKind::Probabilities => format!("p_t = {p_t}; log_p_t = {log_p_t}"),
    };
    let weight = match &v.alpha {
        Value::Array(ws) => format!(
            "torch.tensor([{}], dtype=torch.float64)[targets] * ",
            ws.iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    };
    format!("{first}; loss = ({weight}(1 - p_t) ** {gamma} * -log_p_t).mean()")
}
