//! Line diffs and three-way merges of page texts: the only user of similar.
//!
//! A diff comes both as unified text (for people and `patch`) and as
//! structured hunks (for programs). Hunk ranges follow the unified-diff
//! convention: `old_start` is 1-based, and when `old_lines` is 0 it names the
//! line *after which* the insertion goes. Every line keeps its own line
//! terminator, so concatenating a hunk's lines reproduces the text exactly,
//! including a last line without a newline.
//!
//! Every diff has a deadline ([`DIFF_DEADLINE`]): the search for the
//! smallest set of changes costs up to the product of the two texts'
//! lengths, and past the deadline it settles for a coarser answer (fewer,
//! larger hunks) that is still exact. So a diff or a merge of two large,
//! wholly different texts costs a bounded fraction of a second, and a
//! legitimate page never gets an error for being hard to compare.
//!
//! The merge is diff3's: the lines both sides kept from the base anchor the
//! texts; between anchors, a region changed on one side takes that side,
//! changed the same way on both takes it once, and changed differently on
//! both is a conflict, written with markers.

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline, group_diff_ops};
use utoipa::ToSchema;

/// How long one diff may search for the smallest set of changes.
pub const DIFF_DEADLINE: Duration = Duration::from_millis(200);
/// Unchanged lines shown around each change.
const CONTEXT_LINES: usize = 3;
const MARKER_LENGTH: usize = 7;

/// The outcome of merging two edits made from a common base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// The edits touch different lines; this text carries both.
    Clean(String),
    /// The edits overlap; this text has conflict markers around the overlaps.
    Conflict(String),
}

/// How the three sides are named in conflict markers.
pub struct MergeLabels<'a> {
    pub base: &'a str,
    pub head: &'a str,
    pub mine: &'a str,
}

/// A text as lines, each with its terminator.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The operations turning `old` into `new`, found within the deadline.
fn diff_ops(old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    let deadline = Instant::now() + DIFF_DEADLINE;
    capture_diff_slices_deadline(Algorithm::Myers, old, new, Some(deadline))
}

/// For each line of the base, the line of the other text it was kept as.
fn kept_lines(ops: &[DiffOp], base_len: usize) -> Vec<Option<usize>> {
    let mut kept = vec![None; base_len];
    for op in ops {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = *op
        {
            for offset in 0..len {
                kept[old_index + offset] = Some(new_index + offset);
            }
        }
    }
    kept
}

/// Merges `mine` (an edit of `base`) into `head` (the page as it is now).
pub fn merge3(base: &str, head: &str, mine: &str, labels: &MergeLabels<'_>) -> Merge {
    let (base, head, mine) = (lines(base), lines(head), lines(mine));
    let in_head = kept_lines(&diff_ops(&base, &head), base.len());
    let in_mine = kept_lines(&diff_ops(&base, &mine), base.len());
    let mut merged = String::new();
    let mut conflicts = false;
    // The next line not yet merged of each text.
    let (mut o, mut h, mut m) = (0, 0, 0);
    loop {
        // Lines kept by both sides, in step: copied as they are.
        let mut stable = 0;
        while o + stable < base.len()
            && in_head[o + stable] == Some(h + stable)
            && in_mine[o + stable] == Some(m + stable)
        {
            stable += 1;
        }
        if stable > 0 {
            base[o..o + stable].iter().for_each(|l| merged.push_str(l));
            (o, h, m) = (o + stable, h + stable, m + stable);
            continue;
        }
        // Up to the next base line both sides kept: a changed region.
        let anchor = (o..base.len()).find_map(|line| match (in_head[line], in_mine[line]) {
            (Some(at_head), Some(at_mine)) => Some((line, at_head, at_mine)),
            _ => None,
        });
        let (o2, h2, m2) = anchor.unwrap_or((base.len(), head.len(), mine.len()));
        if (o2, h2, m2) == (o, h, m) {
            break;
        }
        let (original, ours, theirs) = (&base[o..o2], &head[h..h2], &mine[m..m2]);
        if ours == original || ours == theirs {
            theirs.iter().for_each(|l| merged.push_str(l));
        } else if theirs == original {
            ours.iter().for_each(|l| merged.push_str(l));
        } else {
            conflicts = true;
            write_conflict(&mut merged, [ours, original, theirs], labels);
        }
        (o, h, m) = (o2, h2, m2);
    }
    if conflicts {
        Merge::Conflict(merged)
    } else {
        Merge::Clean(merged)
    }
}

/// Writes a conflict between `[head, base, mine]` in diff3's style.
fn write_conflict(out: &mut String, sides: [&[&str]; 3], labels: &MergeLabels<'_>) {
    // Each marker opens the side after it; `>` closes the last.
    let markers = [
        ('<', Some(labels.head)),
        ('|', Some(labels.base)),
        ('=', None),
    ];
    for ((marker, label), side) in markers.into_iter().zip(sides) {
        write_marker(out, marker, label);
        side.iter().for_each(|l| out.push_str(l));
    }
    write_marker(out, '>', Some(labels.mine));
}

/// A conflict marker on a line of its own (after a last line that lacked
/// its newline too).
fn write_marker(out: &mut String, marker: char, label: Option<&str>) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.extend(std::iter::repeat_n(marker, MARKER_LENGTH));
    if let Some(label) = label {
        out.push(' ');
        out.push_str(label);
    }
    out.push('\n');
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineOp {
    Context,
    Delete,
    Insert,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HunkLine {
    pub op: LineOp,
    /// The line with its terminator (`\n`), if it has one.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Hunk {
    pub old_start: usize,
    pub old_lines: usize,
    pub new_start: usize,
    pub new_lines: usize,
    pub lines: Vec<HunkLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDiff {
    pub unified: String,
    pub hunks: Vec<Hunk>,
}

/// Diffs `old` against `new`, labelling the two sides in the unified text.
pub fn line_diff(old: &str, new: &str, old_label: &str, new_label: &str) -> LineDiff {
    let (old, new) = (lines(old), lines(new));
    let hunks: Vec<Hunk> = group_diff_ops(diff_ops(&old, &new), CONTEXT_LINES)
        .iter()
        .map(|group| hunk(group, &old, &new))
        .collect();
    let mut unified = String::new();
    if !hunks.is_empty() {
        unified = format!("--- {old_label}\n+++ {new_label}\n");
        hunks.iter().for_each(|h| write_unified(&mut unified, h));
    }
    LineDiff { unified, hunks }
}

fn hunk(group: &[DiffOp], old: &[&str], new: &[&str]) -> Hunk {
    let (first, last) = (&group[0], &group[group.len() - 1]);
    let (old_range, new_range) = (
        first.old_range().start..last.old_range().end,
        first.new_range().start..last.new_range().end,
    );
    // 1-based, or the line after which an insertion goes.
    let start = |range: &std::ops::Range<usize>| range.start + usize::from(!range.is_empty());
    let mut lines = Vec::new();
    let mut push = |op: LineOp, texts: &[&str]| {
        lines.extend(texts.iter().map(|text| HunkLine {
            op,
            text: (*text).to_owned(),
        }));
    };
    for op in group {
        let (olds, news) = (&old[op.old_range()], &new[op.new_range()]);
        match op {
            DiffOp::Equal { .. } => push(LineOp::Context, olds),
            DiffOp::Delete { .. } => push(LineOp::Delete, olds),
            DiffOp::Insert { .. } => push(LineOp::Insert, news),
            DiffOp::Replace { .. } => {
                push(LineOp::Delete, olds);
                push(LineOp::Insert, news);
            }
        }
    }
    Hunk {
        old_start: start(&old_range),
        old_lines: old_range.len(),
        new_start: start(&new_range),
        new_lines: new_range.len(),
        lines,
    }
}

fn write_unified(out: &mut String, hunk: &Hunk) {
    out.push_str(&format!(
        "@@ -{},{} +{},{} @@\n",
        hunk.old_start, hunk.old_lines, hunk.new_start, hunk.new_lines
    ));
    for line in &hunk.lines {
        out.push(match line.op {
            LineOp::Context => ' ',
            LineOp::Delete => '-',
            LineOp::Insert => '+',
        });
        out.push_str(&line.text);
        if !line.text.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

/// A piece of a changed line: `changed` when it is not on the other side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub changed: bool,
}

/// The longest line whose words are compared; longer changed lines are
/// shown changed whole (a word diff costs the product of the lengths).
const MAX_WORD_DIFF_BYTES: usize = 4_000;

/// The words that differ between a line taken out and the line put in
/// its place, for highlights inside changed lines: (old, new) segments.
/// Within [`DIFF_DEADLINE`] shared by all the lines of one call.
pub fn word_changes(old: &str, new: &str, deadline: Instant) -> (Vec<Segment>, Vec<Segment>) {
    let whole = |text: &str| {
        vec![Segment {
            text: text.to_owned(),
            changed: true,
        }]
    };
    if old.len() > MAX_WORD_DIFF_BYTES
        || new.len() > MAX_WORD_DIFF_BYTES
        || Instant::now() > deadline
    {
        return (whole(old), whole(new));
    }
    let diff = similar::TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .deadline(deadline)
        .diff_words(old, new);
    let (mut olds, mut news) = (Vec::new(), Vec::new());
    let push = |side: &mut Vec<Segment>, text: &str, changed: bool| match side.last_mut() {
        Some(last) if last.changed == changed => last.text.push_str(text),
        _ => side.push(Segment {
            text: text.to_owned(),
            changed,
        }),
    };
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            similar::ChangeTag::Equal => {
                push(&mut olds, text, false);
                push(&mut news, text, false);
            }
            similar::ChangeTag::Delete => push(&mut olds, text, true),
            similar::ChangeTag::Insert => push(&mut news, text, true),
        }
    }
    (olds, news)
}

/// One line of a diff laid out for reading: side by side, a changed line
/// faces its replacement, and both carry their words marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub op: LineOp,
    /// The old side: its line number and words (`None` for an insertion).
    pub old: Option<(usize, Vec<Segment>)>,
    /// The new side (`None` for a deletion).
    pub new: Option<(usize, Vec<Segment>)>,
}

/// A hunk laid out in rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadableHunk {
    pub old_start: usize,
    pub new_start: usize,
    pub rows: Vec<Row>,
}

/// Lays out `hunks` for reading: runs of deleted lines are paired with
/// the inserted lines that follow them, and paired lines are compared
/// word by word (all within one [`DIFF_DEADLINE`]).
pub fn readable(hunks: &[Hunk]) -> Vec<ReadableHunk> {
    let deadline = Instant::now() + DIFF_DEADLINE;
    hunks
        .iter()
        .map(|hunk| readable_hunk(hunk, deadline))
        .collect()
}

fn readable_hunk(hunk: &Hunk, deadline: Instant) -> ReadableHunk {
    let plain = |text: &str, changed| {
        vec![Segment {
            text: text.to_owned(),
            changed,
        }]
    };
    let (mut old_line, mut new_line) = (hunk.old_start.max(1), hunk.new_start.max(1));
    if hunk.old_lines == 0 {
        old_line = hunk.old_start + 1;
    }
    if hunk.new_lines == 0 {
        new_line = hunk.new_start + 1;
    }
    let mut rows = Vec::new();
    let lines = &hunk.lines;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].op == LineOp::Context {
            rows.push(Row {
                op: LineOp::Context,
                old: Some((old_line, plain(&lines[i].text, false))),
                new: Some((new_line, plain(&lines[i].text, false))),
            });
            old_line += 1;
            new_line += 1;
            i += 1;
            continue;
        }
        let deleted: Vec<&HunkLine> = lines[i..]
            .iter()
            .take_while(|l| l.op == LineOp::Delete)
            .collect();
        let inserted: Vec<&HunkLine> = lines[i + deleted.len()..]
            .iter()
            .take_while(|l| l.op == LineOp::Insert)
            .collect();
        i += deleted.len() + inserted.len();
        for pair in 0..deleted.len().max(inserted.len()) {
            let row = match (deleted.get(pair), inserted.get(pair)) {
                (Some(old), Some(new)) => {
                    let (olds, news) = word_changes(&old.text, &new.text, deadline);
                    Row {
                        op: LineOp::Delete,
                        old: Some((old_line, olds)),
                        new: Some((new_line, news)),
                    }
                }
                (Some(old), None) => Row {
                    op: LineOp::Delete,
                    old: Some((old_line, plain(&old.text, true))),
                    new: None,
                },
                (None, Some(new)) => Row {
                    op: LineOp::Insert,
                    old: None,
                    new: Some((new_line, plain(&new.text, true))),
                },
                (None, None) => continue,
            };
            old_line += usize::from(row.old.is_some());
            new_line += usize::from(row.new.is_some());
            rows.push(row);
        }
    }
    ReadableHunk {
        old_start: hunk.old_start,
        new_start: hunk.new_start,
        rows,
    }
}

/// Applies structured hunks to `old`; `None` if they do not fit it.
/// The inverse of [`line_diff`], used to check diffs and by clients' tests.
pub fn apply_hunks(old: &str, hunks: &[Hunk]) -> Option<String> {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut result = String::with_capacity(old.len());
    let mut next_old = 0; // 0-based index of the first old line not yet copied
    for hunk in hunks {
        let first = if hunk.old_lines == 0 {
            hunk.old_start
        } else {
            hunk.old_start.checked_sub(1)?
        };
        if first < next_old || first > old_lines.len() {
            return None;
        }
        old_lines[next_old..first]
            .iter()
            .for_each(|l| result.push_str(l));
        next_old = first;
        for line in &hunk.lines {
            match line.op {
                LineOp::Context | LineOp::Delete => {
                    if old_lines.get(next_old) != Some(&line.text.as_str()) {
                        return None;
                    }
                    next_old += 1;
                    if line.op == LineOp::Context {
                        result.push_str(&line.text);
                    }
                }
                LineOp::Insert => result.push_str(&line.text),
            }
        }
    }
    old_lines[next_old..]
        .iter()
        .for_each(|l| result.push_str(l));
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LABELS: MergeLabels<'static> = MergeLabels {
        base: "base",
        head: "head",
        mine: "mine",
    };

    #[test]
    fn merges_edits_of_different_lines() {
        let base = "un\ndeux\ntrois\nquatre\n";
        let head = "UN\ndeux\ntrois\nquatre\n";
        let mine = "un\ndeux\ntrois\nQUATRE\n";
        assert_eq!(
            merge3(base, head, mine, &LABELS),
            Merge::Clean("UN\ndeux\ntrois\nQUATRE\n".to_owned())
        );
    }

    #[test]
    fn reports_overlapping_edits_with_markers() {
        let Merge::Conflict(text) = merge3("a\n", "b\n", "c\n", &LABELS) else {
            panic!("expected a conflict");
        };
        assert_eq!(
            text,
            "<<<<<<< head\nb\n||||||| base\na\n=======\nc\n>>>>>>> mine\n"
        );
    }

    #[test]
    fn merges_like_diff3() {
        let clean = |base, head, mine| match merge3(base, head, mine, &LABELS) {
            Merge::Clean(text) => Some(text),
            Merge::Conflict(_) => None,
        };
        // The same change on both sides is taken once.
        assert_eq!(
            clean("a\nb\n", "a\nB\n", "a\nB\n").as_deref(),
            Some("a\nB\n")
        );
        // A deletion and an edit far from it both survive.
        assert_eq!(
            clean(
                "1\n2\n3\n4\n5\n6\n",
                "2\n3\n4\n5\n6\n",
                "1\n2\n3\n4\n5\nsix\n"
            )
            .as_deref(),
            Some("2\n3\n4\n5\nsix\n")
        );
        // Different insertions at one place, and adjacent edits, conflict.
        assert_eq!(clean("a\nz\n", "a\nb\nz\n", "a\nc\nz\n"), None);
        assert_eq!(clean("a\nb\nc\n", "A\nb\nc\n", "a\nB\nc\n"), None);
        // Appends at the end from both sides, one of them without newline.
        let Merge::Conflict(text) = merge3("x\n", "x\nhead", "x\nmine\n", &LABELS) else {
            panic!("expected a conflict");
        };
        assert_eq!(
            text,
            "x\n<<<<<<< head\nhead\n||||||| base\n=======\nmine\n>>>>>>> mine\n"
        );
    }

    #[test]
    fn diffs_carry_unified_text_and_hunks() {
        let diff = line_diff("a\nb\nc\n", "a\nB\nc\nd", "r1", "r2");
        assert!(diff.unified.starts_with("--- r1\n+++ r2\n"));
        assert!(diff.unified.contains("-b\n+B\n"));
        assert_eq!(diff.hunks.len(), 1);
        assert_eq!(
            apply_hunks("a\nb\nc\n", &diff.hunks).as_deref(),
            Some("a\nB\nc\nd")
        );
    }

    fn lines() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop_oneof!["a\n", "b\n", "é\n", "\n", "c", "d d\n"], 0..30)
            .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn applying_a_diff_gives_the_new_text(old in lines(), new in lines()) {
            let diff = line_diff(&old, &new, "old", "new");
            prop_assert_eq!(apply_hunks(&old, &diff.hunks), Some(new));
        }

        #[test]
        fn merging_with_an_unchanged_side_takes_the_other(base in lines(), mine in lines()) {
            prop_assert_eq!(merge3(&base, &base, &mine, &LABELS), Merge::Clean(mine.clone()));
            prop_assert_eq!(merge3(&base, &mine, &base, &LABELS), Merge::Clean(mine.clone()));
        }

        #[test]
        fn what_either_side_wrote_survives(base in lines(), head in lines(), mine in lines()) {
            // A line neither text had before was written by that side: a
            // merge keeps it, cleanly or inside a conflict.
            let text = match merge3(&base, &head, &mine, &LABELS) {
                Merge::Clean(text) | Merge::Conflict(text) => text,
            };
            let before: Vec<&str> = base.split_inclusive('\n').collect();
            let after: Vec<&str> = text.split_inclusive('\n').collect();
            for side in [&head, &mine] {
                for line in side.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
                    if !before.contains(&line) {
                        prop_assert!(after.contains(&line), "{:?} lost from {:?}", line, text);
                    }
                }
            }
        }

        #[test]
        fn a_clean_merge_does_not_depend_on_the_order(base in lines(), head in lines(), mine in lines()) {
            if let Merge::Clean(text) = merge3(&base, &head, &mine, &LABELS) {
                prop_assert_eq!(merge3(&base, &mine, &head, &LABELS), Merge::Clean(text));
            }
        }
    }

    #[test]
    fn word_changes_mark_only_the_words_that_differ() {
        let deadline = Instant::now() + DIFF_DEADLINE;
        let (old, new) = word_changes(
            "une économie sociale\n",
            "une économie solidaire\n",
            deadline,
        );
        fn marked(side: &[Segment]) -> Vec<&str> {
            side.iter()
                .filter(|s| s.changed)
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
        }
        assert_eq!(marked(&old), ["sociale"]);
        assert_eq!(marked(&new), ["solidaire"]);
        let joined = |side: &[Segment]| side.iter().map(|s| s.text.as_str()).collect::<String>();
        assert_eq!(joined(&old), "une économie sociale\n");
        assert_eq!(joined(&new), "une économie solidaire\n");
        let long = "x ".repeat(3_000);
        let (old, _) = word_changes(&long, "y", deadline);
        assert_eq!(old.len(), 1);
        assert!(old[0].changed);
    }

    #[test]
    fn readable_rows_pair_changed_lines_and_count_both_sides() {
        let old = "a\nb\nune phrase ancienne\nd\n";
        let new = "a\nb\nune phrase nouvelle\nd\ne\n";
        let diff = line_diff(old, new, "old", "new");
        let hunks = readable(&diff.hunks);
        assert_eq!(hunks.len(), 1);
        let rows = &hunks[0].rows;
        let changed = rows.iter().find(|r| r.op == LineOp::Delete).unwrap();
        let (old_no, olds) = changed.old.as_ref().unwrap();
        let (new_no, news) = changed.new.as_ref().unwrap();
        assert_eq!((*old_no, *new_no), (3, 3));
        assert!(olds.iter().any(|s| s.changed && s.text == "ancienne"));
        assert!(news.iter().any(|s| s.changed && s.text == "nouvelle"));
        let added = rows.last().unwrap();
        assert_eq!(added.op, LineOp::Insert);
        assert_eq!(added.new.as_ref().unwrap().0, 5);
        assert!(added.old.is_none());
    }
}
