# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_flcli_global_optspecs
    string join \n color= q/quiet j/threads= h/help V/version
end

function __fish_flcli_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_flcli_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_flcli_using_subcommand
    set -l cmd (__fish_flcli_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c flcli -n "__fish_flcli_needs_command" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_needs_command" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_needs_command" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_needs_command" -s V -l version -d 'Print version'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "stats" -d 'Class imbalance, and CE / focal loss per class and per difficulty bucket'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "compare" -d 'A γ × α grid (and named variants) side by side, from one pass'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "recommend" -d 'Whether to use focal loss, and with which γ and α, with the reasons'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "partial" -d 'Read data files once and write a partial result (.flp): every sum stats, compare and recommend need, for merging with others (see docs/partial.md)'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "merge" -d 'Merge partial results into one; any order or tree of merges gives the same bits'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "sql" -d 'Print one SQL query that computes the sums of a pass inside a SQL engine (see docs/sql.md)'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "schema" -d 'Print the JSON Schema of the reports (generated from the same types)'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c flcli -n "__fish_flcli_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l input-format -d 'Force the input format instead of detecting it from magic bytes and extension' -r -f -a "parquet\t'Apache Parquet'
arrow\t'Arrow IPC file or stream (Feather v2, the HuggingFace datasets cache)'
npy\t'NumPy .npy scores, with the labels in a second .npy (--labels-npy)'
npz\t'NumPy .npz archive of arrays named like the columns (labels, logits or probs)'
jsonl\t'JSON Lines, one object per row (optionally gzip-compressed)'
csv\t'CSV with a header row (optionally gzip-compressed)'"
complete -c flcli -n "__fish_flcli_using_subcommand stats" -s d -l delimiter -d 'CSV field delimiter (one byte; \\t for tab)' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l mode -d 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected' -r -f -a "binary\t'One label (0/1) and one score column'
softmax\t'One true class per row, K score columns forming a distribution'
sigmoid\t'One-vs-rest over K classes (RetinaNet)'"
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l label -d 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l targets -d 'Multi-label: one 0/1 target column per class, a comma list or a glob (\'y_*\'), in place of a label column' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l prob -d 'Binary: the probability column' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l probs -d 'Multi-class probability columns: a comma list, a glob (\'p_*\'), or one list column' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l logit -d 'Binary: the logit column' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l logits -d 'Multi-class logit columns: a comma list, a glob (\'logit_*\'), or one list column' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l positive -d 'Binary: the label value that is positive, for string labels' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l background -d 'Sigmoid: the label value meaning "background" (negative for every class)' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l ignore-index -d 'Rows with this label are skipped and counted (PyTorch\'s ignore_index)' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l labels-npy -d 'NumPy: the .npy file of labels that goes with a .npy file of scores' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l class-names -d 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l max-line-bytes -d 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l eps -d 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras\'s ε)' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l buckets -d 'Difficulty bucket edges over p_t, ascending from 0 to 1' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l easy -d 'p_t at or above which an element counts as easy' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l beta -d 'β of the effective number of samples (Cui et al. 2019)' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -s g -l gamma -d 'Focusing parameter γ ≥ 0 (0 with --alpha none is cross-entropy)' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -s a -l alpha -d 'α: binary/sigmoid a number in [0,1] (weight of positives; negatives get 1-α), default 0.25; softmax a per-class comma list, default none. `none` turns weighting off' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l by -d 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l max-groups -d 'The most distinct --by values allowed (a guard against grouping by an ID column)' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l output -d 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table' -r -f -a "table\t'Tables for people'
json\t'One JSON document (the versioned contract)'
markdown\t'GitHub-flavoured Markdown, for CI job summaries and PR comments'
csv\t'One row per class / bucket / variant with a `section` column, for spreadsheets'
html\t'One self-contained page (inline CSS and SVG figures, no network requests) for a browser'"
complete -c flcli -n "__fish_flcli_using_subcommand stats" -s o -l out -d 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l fail-if -d 'Exit 1 if EXPR holds on the JSON report, e.g. \'totals.focal_mean > 0.05\' or \'classes[cat].accuracy < 0.8\' (repeatable; see the README, "CI gates")' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand stats" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l skip-invalid -d 'Skip invalid rows (counted by reason) instead of stopping at the first one'
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l channels-last -d 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second'
complete -c flcli -n "__fish_flcli_using_subcommand stats" -l json -d 'Short for --output json'
complete -c flcli -n "__fish_flcli_using_subcommand stats" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l input-format -d 'Force the input format instead of detecting it from magic bytes and extension' -r -f -a "parquet\t'Apache Parquet'
arrow\t'Arrow IPC file or stream (Feather v2, the HuggingFace datasets cache)'
npy\t'NumPy .npy scores, with the labels in a second .npy (--labels-npy)'
npz\t'NumPy .npz archive of arrays named like the columns (labels, logits or probs)'
jsonl\t'JSON Lines, one object per row (optionally gzip-compressed)'
csv\t'CSV with a header row (optionally gzip-compressed)'"
complete -c flcli -n "__fish_flcli_using_subcommand compare" -s d -l delimiter -d 'CSV field delimiter (one byte; \\t for tab)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l mode -d 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected' -r -f -a "binary\t'One label (0/1) and one score column'
softmax\t'One true class per row, K score columns forming a distribution'
sigmoid\t'One-vs-rest over K classes (RetinaNet)'"
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l label -d 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l targets -d 'Multi-label: one 0/1 target column per class, a comma list or a glob (\'y_*\'), in place of a label column' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l prob -d 'Binary: the probability column' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l probs -d 'Multi-class probability columns: a comma list, a glob (\'p_*\'), or one list column' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l logit -d 'Binary: the logit column' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l logits -d 'Multi-class logit columns: a comma list, a glob (\'logit_*\'), or one list column' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l positive -d 'Binary: the label value that is positive, for string labels' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l background -d 'Sigmoid: the label value meaning "background" (negative for every class)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l ignore-index -d 'Rows with this label are skipped and counted (PyTorch\'s ignore_index)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l labels-npy -d 'NumPy: the .npy file of labels that goes with a .npy file of scores' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l class-names -d 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l max-line-bytes -d 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l eps -d 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras\'s ε)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l buckets -d 'Difficulty bucket edges over p_t, ascending from 0 to 1' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l easy -d 'p_t at or above which an element counts as easy' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l beta -d 'β of the effective number of samples (Cui et al. 2019)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -s g -l gamma -d 'γ values of the grid, comma-separated' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -s a -l alpha -d 'α values of the grid, separated by \';\' or \',\' (softmax lists use \';\' between settings, e.g. \'none;0.2,0.8\'). Default: 0.25 (binary/sigmoid), none (softmax)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l variant -d 'Named variants: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l plot -d 'Also write an SVG: cumulative-loss curves (positives, negatives; one per γ, as RetinaNet\'s Figure 4) and the reliability diagram. Written atomically; never onto an input file' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l by -d 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l max-groups -d 'The most distinct --by values allowed (a guard against grouping by an ID column)' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l output -d 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table' -r -f -a "table\t'Tables for people'
json\t'One JSON document (the versioned contract)'
markdown\t'GitHub-flavoured Markdown, for CI job summaries and PR comments'
csv\t'One row per class / bucket / variant with a `section` column, for spreadsheets'
html\t'One self-contained page (inline CSS and SVG figures, no network requests) for a browser'"
complete -c flcli -n "__fish_flcli_using_subcommand compare" -s o -l out -d 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l fail-if -d 'Exit 1 if EXPR holds on the JSON report, e.g. \'totals.focal_mean > 0.05\' or \'classes[cat].accuracy < 0.8\' (repeatable; see the README, "CI gates")' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand compare" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l skip-invalid -d 'Skip invalid rows (counted by reason) instead of stopping at the first one'
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l channels-last -d 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second'
complete -c flcli -n "__fish_flcli_using_subcommand compare" -l json -d 'Short for --output json'
complete -c flcli -n "__fish_flcli_using_subcommand compare" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand compare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l input-format -d 'Force the input format instead of detecting it from magic bytes and extension' -r -f -a "parquet\t'Apache Parquet'
arrow\t'Arrow IPC file or stream (Feather v2, the HuggingFace datasets cache)'
npy\t'NumPy .npy scores, with the labels in a second .npy (--labels-npy)'
npz\t'NumPy .npz archive of arrays named like the columns (labels, logits or probs)'
jsonl\t'JSON Lines, one object per row (optionally gzip-compressed)'
csv\t'CSV with a header row (optionally gzip-compressed)'"
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -s d -l delimiter -d 'CSV field delimiter (one byte; \\t for tab)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l mode -d 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected' -r -f -a "binary\t'One label (0/1) and one score column'
softmax\t'One true class per row, K score columns forming a distribution'
sigmoid\t'One-vs-rest over K classes (RetinaNet)'"
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l label -d 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l targets -d 'Multi-label: one 0/1 target column per class, a comma list or a glob (\'y_*\'), in place of a label column' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l prob -d 'Binary: the probability column' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l probs -d 'Multi-class probability columns: a comma list, a glob (\'p_*\'), or one list column' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l logit -d 'Binary: the logit column' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l logits -d 'Multi-class logit columns: a comma list, a glob (\'logit_*\'), or one list column' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l positive -d 'Binary: the label value that is positive, for string labels' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l background -d 'Sigmoid: the label value meaning "background" (negative for every class)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l ignore-index -d 'Rows with this label are skipped and counted (PyTorch\'s ignore_index)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l labels-npy -d 'NumPy: the .npy file of labels that goes with a .npy file of scores' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l class-names -d 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l max-line-bytes -d 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l eps -d 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras\'s ε)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l buckets -d 'Difficulty bucket edges over p_t, ascending from 0 to 1' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l easy -d 'p_t at or above which an element counts as easy' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l beta -d 'β of the effective number of samples (Cui et al. 2019)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -s g -l gamma -d 'γ values weighed (0 and --calibration-gamma are always added). Binary/sigmoid: each with α none, 0.25, 0.5, 0.75; softmax: with α none and class-balanced; plus flsd53' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l max-easy-grad-share -d 'Target: the largest acceptable share of the gradient (Σ|∂loss/∂logit|) from easy elements. Of the γ that meet it, focal loss gets the one nearest RetinaNet\'s γ = 2 whose share stays at or above --min-easy-grad-share' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l min-easy-grad-share -d 'The floor of the gradient target band: a γ that pushes the easy elements\' share of the gradient below it all but silences them, so a smaller γ is preferred. Default: a fiftieth of --max-easy-grad-share (1%)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l max-easy-loss-share -d 'On data less imbalanced than --min-imbalance, focal loss also needs easy elements to hold more than this share of cross-entropy\'s loss' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l min-imbalance -d 'Majority:minority ratio from which α is used: RetinaNet\'s α-γ pairing (binary, sigmoid; between negative and positive elements) or class-balanced weights (softmax; between classes)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l max-ece -d 'ECE (15 bins) above which an overconfident model argues for focal loss (Mukhoti et al. 2020)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l calibration-gamma -d 'The least γ recommended for an overconfident model (Mukhoti et al. 2020 used γ = 3)' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l cb-min-count -d 'Softmax: classes with fewer rows than this (but some) get the class-balanced weight of a class with this many, since a count that small says little about a class\'s frequency' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l output -d 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table' -r -f -a "table\t'Tables for people'
json\t'One JSON document (the versioned contract)'
markdown\t'GitHub-flavoured Markdown, for CI job summaries and PR comments'
csv\t'One row per class / bucket / variant with a `section` column, for spreadsheets'
html\t'One self-contained page (inline CSS and SVG figures, no network requests) for a browser'"
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -s o -l out -d 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l fail-if -d 'Exit 1 if EXPR holds on the JSON report, e.g. \'totals.focal_mean > 0.05\' or \'classes[cat].accuracy < 0.8\' (repeatable; see the README, "CI gates")' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l skip-invalid -d 'Skip invalid rows (counted by reason) instead of stopping at the first one'
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l channels-last -d 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second'
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -l json -d 'Short for --output json'
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand recommend" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l input-format -d 'Force the input format instead of detecting it from magic bytes and extension' -r -f -a "parquet\t'Apache Parquet'
arrow\t'Arrow IPC file or stream (Feather v2, the HuggingFace datasets cache)'
npy\t'NumPy .npy scores, with the labels in a second .npy (--labels-npy)'
npz\t'NumPy .npz archive of arrays named like the columns (labels, logits or probs)'
jsonl\t'JSON Lines, one object per row (optionally gzip-compressed)'
csv\t'CSV with a header row (optionally gzip-compressed)'"
complete -c flcli -n "__fish_flcli_using_subcommand partial" -s d -l delimiter -d 'CSV field delimiter (one byte; \\t for tab)' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l mode -d 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected' -r -f -a "binary\t'One label (0/1) and one score column'
softmax\t'One true class per row, K score columns forming a distribution'
sigmoid\t'One-vs-rest over K classes (RetinaNet)'"
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l label -d 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l targets -d 'Multi-label: one 0/1 target column per class, a comma list or a glob (\'y_*\'), in place of a label column' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l prob -d 'Binary: the probability column' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l probs -d 'Multi-class probability columns: a comma list, a glob (\'p_*\'), or one list column' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l logit -d 'Binary: the logit column' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l logits -d 'Multi-class logit columns: a comma list, a glob (\'logit_*\'), or one list column' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l positive -d 'Binary: the label value that is positive, for string labels' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l background -d 'Sigmoid: the label value meaning "background" (negative for every class)' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l ignore-index -d 'Rows with this label are skipped and counted (PyTorch\'s ignore_index)' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l labels-npy -d 'NumPy: the .npy file of labels that goes with a .npy file of scores' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l class-names -d 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l max-line-bytes -d 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l eps -d 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras\'s ε)' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l buckets -d 'Difficulty bucket edges over p_t, ascending from 0 to 1' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l easy -d 'p_t at or above which an element counts as easy' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -s g -l gamma -d 'γ values to keep sums for, comma-separated (0, 2 and 3, which recommend always weighs, are added). The default covers the defaults of stats, compare and recommend' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l variant -d 'Named variants to keep sums for: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l by -d 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l max-groups -d 'The most distinct --by values allowed (a guard against grouping by an ID column)' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -s o -l out -d 'The partial result to write (FILE.flp), atomically' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand partial" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l skip-invalid -d 'Skip invalid rows (counted by reason) instead of stopping at the first one'
complete -c flcli -n "__fish_flcli_using_subcommand partial" -l channels-last -d 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second'
complete -c flcli -n "__fish_flcli_using_subcommand partial" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand partial" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand merge" -s o -l out -d 'The merged partial result to write (FILE.flp), atomically' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand merge" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand merge" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand merge" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l dialect -d 'The SQL engine to write for' -r -f -a "duckdb\t'DuckDB'
spark\t'Spark SQL (Databricks)'
trino\t'Trino / Presto (Athena)'
bigquery\t'Google BigQuery (GoogleSQL)'
postgres\t'PostgreSQL'
datafusion\t'Apache DataFusion'"
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l table -d 'What the query reads, pasted after FROM: a table name, a table function such as read_parquet(\'s3://bucket/preds/*.parquet\'), or a parenthesised subquery' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l like -d 'A local sample file with the table\'s columns: label, scores and mode are detected from it as for stats. Without it, pass --label, the score columns and --mode' -r -F
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l input-format -d 'Force the format of --like instead of detecting it' -r -f -a "parquet\t'Apache Parquet'
arrow\t'Arrow IPC file or stream (Feather v2, the HuggingFace datasets cache)'
npy\t'NumPy .npy scores, with the labels in a second .npy (--labels-npy)'
npz\t'NumPy .npz archive of arrays named like the columns (labels, logits or probs)'
jsonl\t'JSON Lines, one object per row (optionally gzip-compressed)'
csv\t'CSV with a header row (optionally gzip-compressed)'"
complete -c flcli -n "__fish_flcli_using_subcommand sql" -s d -l delimiter -d 'CSV field delimiter of --like (one byte; \\t for tab)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l mode -d 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Required without --like' -r -f -a "binary\t'One label (0/1) and one score column'
softmax\t'One true class per row, K score columns forming a distribution'
sigmoid\t'One-vs-rest over K classes (RetinaNet)'"
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l label -d 'The label column. Required without --like' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l prob -d 'Binary: the probability column' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l probs -d 'Multi-class probability columns: a comma list, or one list column (a glob needs --like)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l logit -d 'Binary: the logit column' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l logits -d 'Multi-class logit columns: a comma list, or one list column (a glob needs --like)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l class-names -d 'Names for the classes, in score order (comma list): the classes of a list column (--probs/--logits COL) without --like, or names for numbered score columns' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l positive -d 'Binary: the label value that is positive, for string labels' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l background -d 'Sigmoid: the label value meaning "background" (negative for every class)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l ignore-index -d 'Rows with this label are counted as ignored (PyTorch\'s ignore_index)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l by -d 'Sum each value of this column apart (NULL is a value of its own), so that stats and compare break the report down by it (--by COL on the sums table)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l eps -d 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras\'s ε)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l buckets -d 'Difficulty bucket edges over p_t, ascending from 0 to 1' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l easy -d 'p_t at or above which an element counts as easy' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -s g -l gamma -d 'γ values whose loss terms the query sums, comma-separated (the terms recommend weighs by default, γ 0, 0.5, 1, 2, 3, 5 and FLSD-53, are always added)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l variant -d 'Named variants whose terms the query sums: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand sql" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand sql" -l multi-label -d 'The label column holds lists of positive class ids (multi-label targets, sigmoid mode). Needed without --like; with it, the sample shows the lists'
complete -c flcli -n "__fish_flcli_using_subcommand sql" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand sql" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand schema" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand schema" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand schema" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand completions" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand completions" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand completions" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand man" -l color -d 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb' -r -f -a "auto\t'Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t'Always colour'
never\t'Never colour'"
complete -c flcli -n "__fish_flcli_using_subcommand man" -s j -l threads -d 'Worker threads (default: all cores). Output is bit-identical for any value' -r
complete -c flcli -n "__fish_flcli_using_subcommand man" -s q -l quiet -d 'Drop the notes and the progress bar on stderr (errors still print)'
complete -c flcli -n "__fish_flcli_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "stats" -d 'Class imbalance, and CE / focal loss per class and per difficulty bucket'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "compare" -d 'A γ × α grid (and named variants) side by side, from one pass'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "recommend" -d 'Whether to use focal loss, and with which γ and α, with the reasons'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "partial" -d 'Read data files once and write a partial result (.flp): every sum stats, compare and recommend need, for merging with others (see docs/partial.md)'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "merge" -d 'Merge partial results into one; any order or tree of merges gives the same bits'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "sql" -d 'Print one SQL query that computes the sums of a pass inside a SQL engine (see docs/sql.md)'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "schema" -d 'Print the JSON Schema of the reports (generated from the same types)'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "man" -d 'Print the man page (roff)'
complete -c flcli -n "__fish_flcli_using_subcommand help; and not __fish_seen_subcommand_from stats compare recommend partial merge sql schema completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
