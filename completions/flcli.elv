
use builtin;
use str;

set edit:completion:arg-completer[flcli] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'flcli'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'flcli'= {
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand stats 'Class imbalance, and CE / focal loss per class and per difficulty bucket'
            cand compare 'A γ × α grid (and named variants) side by side, from one pass'
            cand recommend 'Whether to use focal loss, and with which γ and α, with the reasons'
            cand partial 'Read data files once and write a partial result (.flp): every sum stats, compare and recommend need, for merging with others (see docs/partial.md)'
            cand merge 'Merge partial results into one; any order or tree of merges gives the same bits'
            cand sql 'Print one SQL query that computes the sums of a pass inside a SQL engine (see docs/sql.md)'
            cand schema 'Print the JSON Schema of the reports (generated from the same types)'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'flcli;stats'= {
            cand --input-format 'Force the input format instead of detecting it from magic bytes and extension'
            cand -d 'CSV field delimiter (one byte; \t for tab)'
            cand --delimiter 'CSV field delimiter (one byte; \t for tab)'
            cand --mode 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected'
            cand --label 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category'
            cand --targets 'Multi-label: one 0/1 target column per class, a comma list or a glob (''y_*''), in place of a label column'
            cand --prob 'Binary: the probability column'
            cand --probs 'Multi-class probability columns: a comma list, a glob (''p_*''), or one list column'
            cand --logit 'Binary: the logit column'
            cand --logits 'Multi-class logit columns: a comma list, a glob (''logit_*''), or one list column'
            cand --positive 'Binary: the label value that is positive, for string labels'
            cand --background 'Sigmoid: the label value meaning "background" (negative for every class)'
            cand --ignore-index 'Rows with this label are skipped and counted (PyTorch''s ignore_index)'
            cand --labels-npy 'NumPy: the .npy file of labels that goes with a .npy file of scores'
            cand --class-names 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)'
            cand --max-line-bytes 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory'
            cand --eps 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)'
            cand --buckets 'Difficulty bucket edges over p_t, ascending from 0 to 1'
            cand --easy 'p_t at or above which an element counts as easy'
            cand --beta 'β of the effective number of samples (Cui et al. 2019)'
            cand -g 'Focusing parameter γ ≥ 0 (0 with --alpha none is cross-entropy)'
            cand --gamma 'Focusing parameter γ ≥ 0 (0 with --alpha none is cross-entropy)'
            cand -a 'α: binary/sigmoid a number in [0,1] (weight of positives; negatives get 1-α), default 0.25; softmax a per-class comma list, default none. `none` turns weighting off'
            cand --alpha 'α: binary/sigmoid a number in [0,1] (weight of positives; negatives get 1-α), default 0.25; softmax a per-class comma list, default none. `none` turns weighting off'
            cand --by 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value'
            cand --max-groups 'The most distinct --by values allowed (a guard against grouping by an ID column)'
            cand --output 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table'
            cand -o 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind'
            cand --out 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind'
            cand --fail-if 'Exit 1 if EXPR holds on the JSON report, e.g. ''totals.focal_mean > 0.05'' or ''classes[cat].accuracy < 0.8'' (repeatable; see the README, "CI gates")'
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --skip-invalid 'Skip invalid rows (counted by reason) instead of stopping at the first one'
            cand --channels-last 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second'
            cand --json 'Short for --output json'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;compare'= {
            cand --input-format 'Force the input format instead of detecting it from magic bytes and extension'
            cand -d 'CSV field delimiter (one byte; \t for tab)'
            cand --delimiter 'CSV field delimiter (one byte; \t for tab)'
            cand --mode 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected'
            cand --label 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category'
            cand --targets 'Multi-label: one 0/1 target column per class, a comma list or a glob (''y_*''), in place of a label column'
            cand --prob 'Binary: the probability column'
            cand --probs 'Multi-class probability columns: a comma list, a glob (''p_*''), or one list column'
            cand --logit 'Binary: the logit column'
            cand --logits 'Multi-class logit columns: a comma list, a glob (''logit_*''), or one list column'
            cand --positive 'Binary: the label value that is positive, for string labels'
            cand --background 'Sigmoid: the label value meaning "background" (negative for every class)'
            cand --ignore-index 'Rows with this label are skipped and counted (PyTorch''s ignore_index)'
            cand --labels-npy 'NumPy: the .npy file of labels that goes with a .npy file of scores'
            cand --class-names 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)'
            cand --max-line-bytes 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory'
            cand --eps 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)'
            cand --buckets 'Difficulty bucket edges over p_t, ascending from 0 to 1'
            cand --easy 'p_t at or above which an element counts as easy'
            cand --beta 'β of the effective number of samples (Cui et al. 2019)'
            cand -g 'γ values of the grid, comma-separated'
            cand --gamma 'γ values of the grid, comma-separated'
            cand -a 'α values of the grid, separated by '';'' or '','' (softmax lists use '';'' between settings, e.g. ''none;0.2,0.8''). Default: 0.25 (binary/sigmoid), none (softmax)'
            cand --alpha 'α values of the grid, separated by '';'' or '','' (softmax lists use '';'' between settings, e.g. ''none;0.2,0.8''). Default: 0.25 (binary/sigmoid), none (softmax)'
            cand --variant 'Named variants: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)'
            cand --plot 'Also write an SVG: cumulative-loss curves (positives, negatives; one per γ, as RetinaNet''s Figure 4) and the reliability diagram. Written atomically; never onto an input file'
            cand --by 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value'
            cand --max-groups 'The most distinct --by values allowed (a guard against grouping by an ID column)'
            cand --output 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table'
            cand -o 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind'
            cand --out 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind'
            cand --fail-if 'Exit 1 if EXPR holds on the JSON report, e.g. ''totals.focal_mean > 0.05'' or ''classes[cat].accuracy < 0.8'' (repeatable; see the README, "CI gates")'
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --skip-invalid 'Skip invalid rows (counted by reason) instead of stopping at the first one'
            cand --channels-last 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second'
            cand --json 'Short for --output json'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;recommend'= {
            cand --input-format 'Force the input format instead of detecting it from magic bytes and extension'
            cand -d 'CSV field delimiter (one byte; \t for tab)'
            cand --delimiter 'CSV field delimiter (one byte; \t for tab)'
            cand --mode 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected'
            cand --label 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category'
            cand --targets 'Multi-label: one 0/1 target column per class, a comma list or a glob (''y_*''), in place of a label column'
            cand --prob 'Binary: the probability column'
            cand --probs 'Multi-class probability columns: a comma list, a glob (''p_*''), or one list column'
            cand --logit 'Binary: the logit column'
            cand --logits 'Multi-class logit columns: a comma list, a glob (''logit_*''), or one list column'
            cand --positive 'Binary: the label value that is positive, for string labels'
            cand --background 'Sigmoid: the label value meaning "background" (negative for every class)'
            cand --ignore-index 'Rows with this label are skipped and counted (PyTorch''s ignore_index)'
            cand --labels-npy 'NumPy: the .npy file of labels that goes with a .npy file of scores'
            cand --class-names 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)'
            cand --max-line-bytes 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory'
            cand --eps 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)'
            cand --buckets 'Difficulty bucket edges over p_t, ascending from 0 to 1'
            cand --easy 'p_t at or above which an element counts as easy'
            cand --beta 'β of the effective number of samples (Cui et al. 2019)'
            cand -g 'γ values weighed (0 and --calibration-gamma are always added). Binary/sigmoid: each with α none, 0.25, 0.5, 0.75; softmax: with α none and class-balanced; plus flsd53'
            cand --gamma 'γ values weighed (0 and --calibration-gamma are always added). Binary/sigmoid: each with α none, 0.25, 0.5, 0.75; softmax: with α none and class-balanced; plus flsd53'
            cand --max-easy-grad-share 'Target: the largest acceptable share of the gradient (Σ|∂loss/∂logit|) from easy elements. Of the γ that meet it, focal loss gets the one nearest RetinaNet''s γ = 2 whose share stays at or above --min-easy-grad-share'
            cand --min-easy-grad-share 'The floor of the gradient target band: a γ that pushes the easy elements'' share of the gradient below it all but silences them, so a smaller γ is preferred. Default: a fiftieth of --max-easy-grad-share (1%)'
            cand --max-easy-loss-share 'On data less imbalanced than --min-imbalance, focal loss also needs easy elements to hold more than this share of cross-entropy''s loss'
            cand --min-imbalance 'Majority:minority ratio from which α is used: RetinaNet''s α-γ pairing (binary, sigmoid; between negative and positive elements) or class-balanced weights (softmax; between classes)'
            cand --max-ece 'ECE (15 bins) above which an overconfident model argues for focal loss (Mukhoti et al. 2020)'
            cand --calibration-gamma 'The least γ recommended for an overconfident model (Mukhoti et al. 2020 used γ = 3)'
            cand --cb-min-count 'Softmax: classes with fewer rows than this (but some) get the class-balanced weight of a class with this many, since a count that small says little about a class''s frequency'
            cand --output 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table'
            cand -o 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind'
            cand --out 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind'
            cand --fail-if 'Exit 1 if EXPR holds on the JSON report, e.g. ''totals.focal_mean > 0.05'' or ''classes[cat].accuracy < 0.8'' (repeatable; see the README, "CI gates")'
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --skip-invalid 'Skip invalid rows (counted by reason) instead of stopping at the first one'
            cand --channels-last 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second'
            cand --json 'Short for --output json'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;partial'= {
            cand --input-format 'Force the input format instead of detecting it from magic bytes and extension'
            cand -d 'CSV field delimiter (one byte; \t for tab)'
            cand --delimiter 'CSV field delimiter (one byte; \t for tab)'
            cand --mode 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected'
            cand --label 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category'
            cand --targets 'Multi-label: one 0/1 target column per class, a comma list or a glob (''y_*''), in place of a label column'
            cand --prob 'Binary: the probability column'
            cand --probs 'Multi-class probability columns: a comma list, a glob (''p_*''), or one list column'
            cand --logit 'Binary: the logit column'
            cand --logits 'Multi-class logit columns: a comma list, a glob (''logit_*''), or one list column'
            cand --positive 'Binary: the label value that is positive, for string labels'
            cand --background 'Sigmoid: the label value meaning "background" (negative for every class)'
            cand --ignore-index 'Rows with this label are skipped and counted (PyTorch''s ignore_index)'
            cand --labels-npy 'NumPy: the .npy file of labels that goes with a .npy file of scores'
            cand --class-names 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)'
            cand --max-line-bytes 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory'
            cand --eps 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)'
            cand --buckets 'Difficulty bucket edges over p_t, ascending from 0 to 1'
            cand --easy 'p_t at or above which an element counts as easy'
            cand -g 'γ values to keep sums for, comma-separated (0, 2 and 3, which recommend always weighs, are added). The default covers the defaults of stats, compare and recommend'
            cand --gamma 'γ values to keep sums for, comma-separated (0, 2 and 3, which recommend always weighs, are added). The default covers the defaults of stats, compare and recommend'
            cand --variant 'Named variants to keep sums for: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)'
            cand --by 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value'
            cand --max-groups 'The most distinct --by values allowed (a guard against grouping by an ID column)'
            cand -o 'The partial result to write (FILE.flp), atomically'
            cand --out 'The partial result to write (FILE.flp), atomically'
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --skip-invalid 'Skip invalid rows (counted by reason) instead of stopping at the first one'
            cand --channels-last 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;merge'= {
            cand -o 'The merged partial result to write (FILE.flp), atomically'
            cand --out 'The merged partial result to write (FILE.flp), atomically'
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;sql'= {
            cand --dialect 'The SQL engine to write for'
            cand --table 'What the query reads, pasted after FROM: a table name, a table function such as read_parquet(''s3://bucket/preds/*.parquet''), or a parenthesised subquery'
            cand --like 'A local sample file with the table''s columns: label, scores and mode are detected from it as for stats. Without it, pass --label, the score columns and --mode'
            cand --input-format 'Force the format of --like instead of detecting it'
            cand -d 'CSV field delimiter of --like (one byte; \t for tab)'
            cand --delimiter 'CSV field delimiter of --like (one byte; \t for tab)'
            cand --mode 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Required without --like'
            cand --label 'The label column. Required without --like'
            cand --prob 'Binary: the probability column'
            cand --probs 'Multi-class probability columns: a comma list, or one list column (a glob needs --like)'
            cand --logit 'Binary: the logit column'
            cand --logits 'Multi-class logit columns: a comma list, or one list column (a glob needs --like)'
            cand --class-names 'Names for the classes, in score order (comma list): the classes of a list column (--probs/--logits COL) without --like, or names for numbered score columns'
            cand --positive 'Binary: the label value that is positive, for string labels'
            cand --background 'Sigmoid: the label value meaning "background" (negative for every class)'
            cand --ignore-index 'Rows with this label are counted as ignored (PyTorch''s ignore_index)'
            cand --by 'Sum each value of this column apart (NULL is a value of its own), so that stats and compare break the report down by it (--by COL on the sums table)'
            cand --eps 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)'
            cand --buckets 'Difficulty bucket edges over p_t, ascending from 0 to 1'
            cand --easy 'p_t at or above which an element counts as easy'
            cand -g 'γ values whose loss terms the query sums, comma-separated (the terms recommend weighs by default, γ 0, 0.5, 1, 2, 3, 5 and FLSD-53, are always added)'
            cand --gamma 'γ values whose loss terms the query sums, comma-separated (the terms recommend weighs by default, γ 0, 0.5, 1, 2, 3, 5 and FLSD-53, are always added)'
            cand --variant 'Named variants whose terms the query sums: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)'
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --multi-label 'The label column holds lists of positive class ids (multi-label targets, sigmoid mode). Needed without --like; with it, the sample shows the lists'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;schema'= {
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;completions'= {
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;man'= {
            cand --color 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb'
            cand -j 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand --threads 'Worker threads (default: all cores). Output is bit-identical for any value'
            cand -q 'Drop the notes and the progress bar on stderr (errors still print)'
            cand --quiet 'Drop the notes and the progress bar on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flcli;help'= {
            cand stats 'Class imbalance, and CE / focal loss per class and per difficulty bucket'
            cand compare 'A γ × α grid (and named variants) side by side, from one pass'
            cand recommend 'Whether to use focal loss, and with which γ and α, with the reasons'
            cand partial 'Read data files once and write a partial result (.flp): every sum stats, compare and recommend need, for merging with others (see docs/partial.md)'
            cand merge 'Merge partial results into one; any order or tree of merges gives the same bits'
            cand sql 'Print one SQL query that computes the sums of a pass inside a SQL engine (see docs/sql.md)'
            cand schema 'Print the JSON Schema of the reports (generated from the same types)'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'flcli;help;stats'= {
        }
        &'flcli;help;compare'= {
        }
        &'flcli;help;recommend'= {
        }
        &'flcli;help;partial'= {
        }
        &'flcli;help;merge'= {
        }
        &'flcli;help;sql'= {
        }
        &'flcli;help;schema'= {
        }
        &'flcli;help;completions'= {
        }
        &'flcli;help;man'= {
        }
        &'flcli;help;help'= {
        }
    ]
    $completions[$command]
}
