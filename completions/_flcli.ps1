
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'flcli' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'flcli'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'flcli' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Class imbalance, and CE / focal loss per class and per difficulty bucket')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'A γ × α grid (and named variants) side by side, from one pass')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Whether to use focal loss, and with which γ and α, with the reasons')
            [CompletionResult]::new('partial', 'partial', [CompletionResultType]::ParameterValue, 'Read data files once and write a partial result (.flp): every sum stats, compare and recommend need, for merging with others (see docs/partial.md)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge partial results into one; any order or tree of merges gives the same bits')
            [CompletionResult]::new('sql', 'sql', [CompletionResultType]::ParameterValue, 'Print one SQL query that computes the sums of a pass inside a SQL engine (see docs/sql.md)')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the reports (generated from the same types)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'flcli;stats' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Force the input format instead of detecting it from magic bytes and extension')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'CSV field delimiter (one byte; \t for tab)')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'CSV field delimiter (one byte; \t for tab)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Multi-label: one 0/1 target column per class, a comma list or a glob (''y_*''), in place of a label column')
            [CompletionResult]::new('--prob', '--prob', [CompletionResultType]::ParameterName, 'Binary: the probability column')
            [CompletionResult]::new('--probs', '--probs', [CompletionResultType]::ParameterName, 'Multi-class probability columns: a comma list, a glob (''p_*''), or one list column')
            [CompletionResult]::new('--logit', '--logit', [CompletionResultType]::ParameterName, 'Binary: the logit column')
            [CompletionResult]::new('--logits', '--logits', [CompletionResultType]::ParameterName, 'Multi-class logit columns: a comma list, a glob (''logit_*''), or one list column')
            [CompletionResult]::new('--positive', '--positive', [CompletionResultType]::ParameterName, 'Binary: the label value that is positive, for string labels')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Sigmoid: the label value meaning "background" (negative for every class)')
            [CompletionResult]::new('--ignore-index', '--ignore-index', [CompletionResultType]::ParameterName, 'Rows with this label are skipped and counted (PyTorch''s ignore_index)')
            [CompletionResult]::new('--labels-npy', '--labels-npy', [CompletionResultType]::ParameterName, 'NumPy: the .npy file of labels that goes with a .npy file of scores')
            [CompletionResult]::new('--class-names', '--class-names', [CompletionResultType]::ParameterName, 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)')
            [CompletionResult]::new('--max-line-bytes', '--max-line-bytes', [CompletionResultType]::ParameterName, 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory')
            [CompletionResult]::new('--eps', '--eps', [CompletionResultType]::ParameterName, 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)')
            [CompletionResult]::new('--buckets', '--buckets', [CompletionResultType]::ParameterName, 'Difficulty bucket edges over p_t, ascending from 0 to 1')
            [CompletionResult]::new('--easy', '--easy', [CompletionResultType]::ParameterName, 'p_t at or above which an element counts as easy')
            [CompletionResult]::new('--beta', '--beta', [CompletionResultType]::ParameterName, 'β of the effective number of samples (Cui et al. 2019)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Focusing parameter γ ≥ 0 (0 with --alpha none is cross-entropy)')
            [CompletionResult]::new('--gamma', '--gamma', [CompletionResultType]::ParameterName, 'Focusing parameter γ ≥ 0 (0 with --alpha none is cross-entropy)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'α: binary/sigmoid a number in [0,1] (weight of positives; negatives get 1-α), default 0.25; softmax a per-class comma list, default none. `none` turns weighting off')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'α: binary/sigmoid a number in [0,1] (weight of positives; negatives get 1-α), default 0.25; softmax a per-class comma list, default none. `none` turns weighting off')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value')
            [CompletionResult]::new('--max-groups', '--max-groups', [CompletionResultType]::ParameterName, 'The most distinct --by values allowed (a guard against grouping by an ID column)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind')
            [CompletionResult]::new('--fail-if', '--fail-if', [CompletionResultType]::ParameterName, 'Exit 1 if EXPR holds on the JSON report, e.g. ''totals.focal_mean > 0.05'' or ''classes[cat].accuracy < 0.8'' (repeatable; see the README, "CI gates")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Skip invalid rows (counted by reason) instead of stopping at the first one')
            [CompletionResult]::new('--channels-last', '--channels-last', [CompletionResultType]::ParameterName, 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;compare' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Force the input format instead of detecting it from magic bytes and extension')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'CSV field delimiter (one byte; \t for tab)')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'CSV field delimiter (one byte; \t for tab)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Multi-label: one 0/1 target column per class, a comma list or a glob (''y_*''), in place of a label column')
            [CompletionResult]::new('--prob', '--prob', [CompletionResultType]::ParameterName, 'Binary: the probability column')
            [CompletionResult]::new('--probs', '--probs', [CompletionResultType]::ParameterName, 'Multi-class probability columns: a comma list, a glob (''p_*''), or one list column')
            [CompletionResult]::new('--logit', '--logit', [CompletionResultType]::ParameterName, 'Binary: the logit column')
            [CompletionResult]::new('--logits', '--logits', [CompletionResultType]::ParameterName, 'Multi-class logit columns: a comma list, a glob (''logit_*''), or one list column')
            [CompletionResult]::new('--positive', '--positive', [CompletionResultType]::ParameterName, 'Binary: the label value that is positive, for string labels')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Sigmoid: the label value meaning "background" (negative for every class)')
            [CompletionResult]::new('--ignore-index', '--ignore-index', [CompletionResultType]::ParameterName, 'Rows with this label are skipped and counted (PyTorch''s ignore_index)')
            [CompletionResult]::new('--labels-npy', '--labels-npy', [CompletionResultType]::ParameterName, 'NumPy: the .npy file of labels that goes with a .npy file of scores')
            [CompletionResult]::new('--class-names', '--class-names', [CompletionResultType]::ParameterName, 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)')
            [CompletionResult]::new('--max-line-bytes', '--max-line-bytes', [CompletionResultType]::ParameterName, 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory')
            [CompletionResult]::new('--eps', '--eps', [CompletionResultType]::ParameterName, 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)')
            [CompletionResult]::new('--buckets', '--buckets', [CompletionResultType]::ParameterName, 'Difficulty bucket edges over p_t, ascending from 0 to 1')
            [CompletionResult]::new('--easy', '--easy', [CompletionResultType]::ParameterName, 'p_t at or above which an element counts as easy')
            [CompletionResult]::new('--beta', '--beta', [CompletionResultType]::ParameterName, 'β of the effective number of samples (Cui et al. 2019)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'γ values of the grid, comma-separated')
            [CompletionResult]::new('--gamma', '--gamma', [CompletionResultType]::ParameterName, 'γ values of the grid, comma-separated')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'α values of the grid, separated by '';'' or '','' (softmax lists use '';'' between settings, e.g. ''none;0.2,0.8''). Default: 0.25 (binary/sigmoid), none (softmax)')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'α values of the grid, separated by '';'' or '','' (softmax lists use '';'' between settings, e.g. ''none;0.2,0.8''). Default: 0.25 (binary/sigmoid), none (softmax)')
            [CompletionResult]::new('--variant', '--variant', [CompletionResultType]::ParameterName, 'Named variants: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)')
            [CompletionResult]::new('--plot', '--plot', [CompletionResultType]::ParameterName, 'Also write an SVG: cumulative-loss curves (positives, negatives; one per γ, as RetinaNet''s Figure 4) and the reliability diagram. Written atomically; never onto an input file')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value')
            [CompletionResult]::new('--max-groups', '--max-groups', [CompletionResultType]::ParameterName, 'The most distinct --by values allowed (a guard against grouping by an ID column)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind')
            [CompletionResult]::new('--fail-if', '--fail-if', [CompletionResultType]::ParameterName, 'Exit 1 if EXPR holds on the JSON report, e.g. ''totals.focal_mean > 0.05'' or ''classes[cat].accuracy < 0.8'' (repeatable; see the README, "CI gates")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Skip invalid rows (counted by reason) instead of stopping at the first one')
            [CompletionResult]::new('--channels-last', '--channels-last', [CompletionResultType]::ParameterName, 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;recommend' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Force the input format instead of detecting it from magic bytes and extension')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'CSV field delimiter (one byte; \t for tab)')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'CSV field delimiter (one byte; \t for tab)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Multi-label: one 0/1 target column per class, a comma list or a glob (''y_*''), in place of a label column')
            [CompletionResult]::new('--prob', '--prob', [CompletionResultType]::ParameterName, 'Binary: the probability column')
            [CompletionResult]::new('--probs', '--probs', [CompletionResultType]::ParameterName, 'Multi-class probability columns: a comma list, a glob (''p_*''), or one list column')
            [CompletionResult]::new('--logit', '--logit', [CompletionResultType]::ParameterName, 'Binary: the logit column')
            [CompletionResult]::new('--logits', '--logits', [CompletionResultType]::ParameterName, 'Multi-class logit columns: a comma list, a glob (''logit_*''), or one list column')
            [CompletionResult]::new('--positive', '--positive', [CompletionResultType]::ParameterName, 'Binary: the label value that is positive, for string labels')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Sigmoid: the label value meaning "background" (negative for every class)')
            [CompletionResult]::new('--ignore-index', '--ignore-index', [CompletionResultType]::ParameterName, 'Rows with this label are skipped and counted (PyTorch''s ignore_index)')
            [CompletionResult]::new('--labels-npy', '--labels-npy', [CompletionResultType]::ParameterName, 'NumPy: the .npy file of labels that goes with a .npy file of scores')
            [CompletionResult]::new('--class-names', '--class-names', [CompletionResultType]::ParameterName, 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)')
            [CompletionResult]::new('--max-line-bytes', '--max-line-bytes', [CompletionResultType]::ParameterName, 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory')
            [CompletionResult]::new('--eps', '--eps', [CompletionResultType]::ParameterName, 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)')
            [CompletionResult]::new('--buckets', '--buckets', [CompletionResultType]::ParameterName, 'Difficulty bucket edges over p_t, ascending from 0 to 1')
            [CompletionResult]::new('--easy', '--easy', [CompletionResultType]::ParameterName, 'p_t at or above which an element counts as easy')
            [CompletionResult]::new('--beta', '--beta', [CompletionResultType]::ParameterName, 'β of the effective number of samples (Cui et al. 2019)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'γ values weighed (0 and --calibration-gamma are always added). Binary/sigmoid: each with α none, 0.25, 0.5, 0.75; softmax: with α none and class-balanced; plus flsd53')
            [CompletionResult]::new('--gamma', '--gamma', [CompletionResultType]::ParameterName, 'γ values weighed (0 and --calibration-gamma are always added). Binary/sigmoid: each with α none, 0.25, 0.5, 0.75; softmax: with α none and class-balanced; plus flsd53')
            [CompletionResult]::new('--max-easy-grad-share', '--max-easy-grad-share', [CompletionResultType]::ParameterName, 'Target: the largest acceptable share of the gradient (Σ|∂loss/∂logit|) from easy elements. Of the γ that meet it, focal loss gets the one nearest RetinaNet''s γ = 2 whose share stays at or above --min-easy-grad-share')
            [CompletionResult]::new('--min-easy-grad-share', '--min-easy-grad-share', [CompletionResultType]::ParameterName, 'The floor of the gradient target band: a γ that pushes the easy elements'' share of the gradient below it all but silences them, so a smaller γ is preferred. Default: a fiftieth of --max-easy-grad-share (1%)')
            [CompletionResult]::new('--max-easy-loss-share', '--max-easy-loss-share', [CompletionResultType]::ParameterName, 'On data less imbalanced than --min-imbalance, focal loss also needs easy elements to hold more than this share of cross-entropy''s loss')
            [CompletionResult]::new('--min-imbalance', '--min-imbalance', [CompletionResultType]::ParameterName, 'Majority:minority ratio from which α is used: RetinaNet''s α-γ pairing (binary, sigmoid; between negative and positive elements) or class-balanced weights (softmax; between classes)')
            [CompletionResult]::new('--max-ece', '--max-ece', [CompletionResultType]::ParameterName, 'ECE (15 bins) above which an overconfident model argues for focal loss (Mukhoti et al. 2020)')
            [CompletionResult]::new('--calibration-gamma', '--calibration-gamma', [CompletionResultType]::ParameterName, 'The least γ recommended for an overconfident model (Mukhoti et al. 2020 used γ = 3)')
            [CompletionResult]::new('--cb-min-count', '--cb-min-count', [CompletionResultType]::ParameterName, 'Softmax: classes with fewer rows than this (but some) get the class-balanced weight of a class with this many, since a count that small says little about a class''s frequency')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format. Default: from the extension of -o (.json, .md, .csv, .html), else table')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout, atomically (a temporary file in the same folder, then a rename): a failed run leaves no partial report behind')
            [CompletionResult]::new('--fail-if', '--fail-if', [CompletionResultType]::ParameterName, 'Exit 1 if EXPR holds on the JSON report, e.g. ''totals.focal_mean > 0.05'' or ''classes[cat].accuracy < 0.8'' (repeatable; see the README, "CI gates")')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Skip invalid rows (counted by reason) instead of stopping at the first one')
            [CompletionResult]::new('--channels-last', '--channels-last', [CompletionResultType]::ParameterName, 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;partial' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Force the input format instead of detecting it from magic bytes and extension')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'CSV field delimiter (one byte; \t for tab)')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'CSV field delimiter (one byte; \t for tab)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Default: detected')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'The label column. Default: the first of label, labels, target, y, y_true, gt, class, class_id, category')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Multi-label: one 0/1 target column per class, a comma list or a glob (''y_*''), in place of a label column')
            [CompletionResult]::new('--prob', '--prob', [CompletionResultType]::ParameterName, 'Binary: the probability column')
            [CompletionResult]::new('--probs', '--probs', [CompletionResultType]::ParameterName, 'Multi-class probability columns: a comma list, a glob (''p_*''), or one list column')
            [CompletionResult]::new('--logit', '--logit', [CompletionResultType]::ParameterName, 'Binary: the logit column')
            [CompletionResult]::new('--logits', '--logits', [CompletionResultType]::ParameterName, 'Multi-class logit columns: a comma list, a glob (''logit_*''), or one list column')
            [CompletionResult]::new('--positive', '--positive', [CompletionResultType]::ParameterName, 'Binary: the label value that is positive, for string labels')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Sigmoid: the label value meaning "background" (negative for every class)')
            [CompletionResult]::new('--ignore-index', '--ignore-index', [CompletionResultType]::ParameterName, 'Rows with this label are skipped and counted (PyTorch''s ignore_index)')
            [CompletionResult]::new('--labels-npy', '--labels-npy', [CompletionResultType]::ParameterName, 'NumPy: the .npy file of labels that goes with a .npy file of scores')
            [CompletionResult]::new('--class-names', '--class-names', [CompletionResultType]::ParameterName, 'Names for the classes of softmax or sigmoid scores, in score-column order (comma list), when the labels are names and the columns are numbered (prob_0, prob_1, ...)')
            [CompletionResult]::new('--max-line-bytes', '--max-line-bytes', [CompletionResultType]::ParameterName, 'The longest CSV line read, in bytes (K, M, G: 1024s); a longer line is an error, so that a damaged file cannot fill memory')
            [CompletionResult]::new('--eps', '--eps', [CompletionResultType]::ParameterName, 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)')
            [CompletionResult]::new('--buckets', '--buckets', [CompletionResultType]::ParameterName, 'Difficulty bucket edges over p_t, ascending from 0 to 1')
            [CompletionResult]::new('--easy', '--easy', [CompletionResultType]::ParameterName, 'p_t at or above which an element counts as easy')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'γ values to keep sums for, comma-separated (0, 2 and 3, which recommend always weighs, are added). The default covers the defaults of stats, compare and recommend')
            [CompletionResult]::new('--gamma', '--gamma', [CompletionResultType]::ParameterName, 'γ values to keep sums for, comma-separated (0, 2 and 3, which recommend always weighs, are added). The default covers the defaults of stats, compare and recommend')
            [CompletionResult]::new('--variant', '--variant', [CompletionResultType]::ParameterName, 'Named variants to keep sums for: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Break the whole report down by the values of this column (e.g. the data split, an object-size bucket, a source data set): one section per value')
            [CompletionResult]::new('--max-groups', '--max-groups', [CompletionResultType]::ParameterName, 'The most distinct --by values allowed (a guard against grouping by an ID column)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The partial result to write (FILE.flp), atomically')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The partial result to write (FILE.flp), atomically')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Skip invalid rows (counted by reason) instead of stopping at the first one')
            [CompletionResult]::new('--channels-last', '--channels-last', [CompletionResultType]::ParameterName, 'NumPy score maps: the class axis is the last one, (N, d1, ..., K), not the second')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;merge' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The merged partial result to write (FILE.flp), atomically')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The merged partial result to write (FILE.flp), atomically')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;sql' {
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'The SQL engine to write for')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'What the query reads, pasted after FROM: a table name, a table function such as read_parquet(''s3://bucket/preds/*.parquet''), or a parenthesised subquery')
            [CompletionResult]::new('--like', '--like', [CompletionResultType]::ParameterName, 'A local sample file with the table''s columns: label, scores and mode are detected from it as for stats. Without it, pass --label, the score columns and --mode')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Force the format of --like instead of detecting it')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'CSV field delimiter of --like (one byte; \t for tab)')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'CSV field delimiter of --like (one byte; \t for tab)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'binary, softmax or sigmoid (one-vs-rest, as RetinaNet). Required without --like')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'The label column. Required without --like')
            [CompletionResult]::new('--prob', '--prob', [CompletionResultType]::ParameterName, 'Binary: the probability column')
            [CompletionResult]::new('--probs', '--probs', [CompletionResultType]::ParameterName, 'Multi-class probability columns: a comma list, or one list column (a glob needs --like)')
            [CompletionResult]::new('--logit', '--logit', [CompletionResultType]::ParameterName, 'Binary: the logit column')
            [CompletionResult]::new('--logits', '--logits', [CompletionResultType]::ParameterName, 'Multi-class logit columns: a comma list, or one list column (a glob needs --like)')
            [CompletionResult]::new('--class-names', '--class-names', [CompletionResultType]::ParameterName, 'Names for the classes, in score order (comma list): the classes of a list column (--probs/--logits COL) without --like, or names for numbered score columns')
            [CompletionResult]::new('--positive', '--positive', [CompletionResultType]::ParameterName, 'Binary: the label value that is positive, for string labels')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Sigmoid: the label value meaning "background" (negative for every class)')
            [CompletionResult]::new('--ignore-index', '--ignore-index', [CompletionResultType]::ParameterName, 'Rows with this label are counted as ignored (PyTorch''s ignore_index)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Sum each value of this column apart (NULL is a value of its own), so that stats and compare break the report down by it (--by COL on the sums table)')
            [CompletionResult]::new('--eps', '--eps', [CompletionResultType]::ParameterName, 'Probability clamp: probabilities are clamped to [ε, 1-ε] (Keras''s ε)')
            [CompletionResult]::new('--buckets', '--buckets', [CompletionResultType]::ParameterName, 'Difficulty bucket edges over p_t, ascending from 0 to 1')
            [CompletionResult]::new('--easy', '--easy', [CompletionResultType]::ParameterName, 'p_t at or above which an element counts as easy')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'γ values whose loss terms the query sums, comma-separated (the terms recommend weighs by default, γ 0, 0.5, 1, 2, 3, 5 and FLSD-53, are always added)')
            [CompletionResult]::new('--gamma', '--gamma', [CompletionResultType]::ParameterName, 'γ values whose loss terms the query sums, comma-separated (the terms recommend weighs by default, γ 0, 0.5, 1, 2, 3, 5 and FLSD-53, are always added)')
            [CompletionResult]::new('--variant', '--variant', [CompletionResultType]::ParameterName, 'Named variants whose terms the query sums: flsd53, asl:GP,GN, cb:BETA[,GAMMA[,MIN]], poly1:EPS (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--multi-label', '--multi-label', [CompletionResultType]::ParameterName, 'The label column holds lists of positive class ids (multi-label targets, sigmoid mode). Needed without --like; with it, the sample shows the lists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;schema' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto follows the terminal, NO_COLOR and TERM=dumb')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores). Output is bit-identical for any value')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Drop the notes and the progress bar on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flcli;help' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Class imbalance, and CE / focal loss per class and per difficulty bucket')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'A γ × α grid (and named variants) side by side, from one pass')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Whether to use focal loss, and with which γ and α, with the reasons')
            [CompletionResult]::new('partial', 'partial', [CompletionResultType]::ParameterValue, 'Read data files once and write a partial result (.flp): every sum stats, compare and recommend need, for merging with others (see docs/partial.md)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge partial results into one; any order or tree of merges gives the same bits')
            [CompletionResult]::new('sql', 'sql', [CompletionResultType]::ParameterValue, 'Print one SQL query that computes the sums of a pass inside a SQL engine (see docs/sql.md)')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the reports (generated from the same types)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'flcli;help;stats' {
            break
        }
        'flcli;help;compare' {
            break
        }
        'flcli;help;recommend' {
            break
        }
        'flcli;help;partial' {
            break
        }
        'flcli;help;merge' {
            break
        }
        'flcli;help;sql' {
            break
        }
        'flcli;help;schema' {
            break
        }
        'flcli;help;completions' {
            break
        }
        'flcli;help;man' {
            break
        }
        'flcli;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
