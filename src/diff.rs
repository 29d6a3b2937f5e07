//! Line diffs and three-way merges of page texts: the only user of diffy.
//!
//! A diff comes both as unified text (for people and `patch`) and as
//! structured hunks (for programs). Hunk ranges follow the unified-diff
//! convention: `old_start` is 1-based, and when `old_lines` is 0 it names the
//! line *after which* the insertion goes. Every line keeps its own line
//! terminator, so concatenating a hunk's lines reproduces the text exactly,
//! including a last line without a newline.

use serde::Serialize;
use utoipa::ToSchema;

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

/// Merges `mine` (an edit of `base`) into `head` (the page as it is now).
pub fn merge3(base: &str, head: &str, mine: &str, labels: &MergeLabels<'_>) -> Merge {
    match diffy::merge(base, head, mine) {
        Ok(merged) => Merge::Clean(merged),
        Err(with_markers) => Merge::Conflict(relabel_markers(&with_markers, labels)),
    }
}

/// diffy names the sides "ours", "original" and "theirs"; say which
/// revisions they are instead.
fn relabel_markers(text: &str, labels: &MergeLabels<'_>) -> String {
    let relabel = |line: &str, marker: char, old: &str, new: &str| -> Option<String> {
        let (fence, rest) = line.split_at(line.find(|c| c != marker)?);
        (fence.len() >= 7 && rest.trim_end_matches(['\n', '\r']) == format!(" {old}"))
            .then(|| format!("{fence} {new}{}", &rest[1 + old.len()..]))
    };
    text.split_inclusive('\n')
        .map(|line| {
            relabel(line, '<', "ours", labels.head)
                .or_else(|| relabel(line, '|', "original", labels.base))
                .or_else(|| relabel(line, '>', "theirs", labels.mine))
                .unwrap_or_else(|| line.to_owned())
        })
        .collect()
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
    let patch = diffy::DiffOptions::new()
        .set_original_filename(old_label.to_owned())
        .set_modified_filename(new_label.to_owned())
        .create_patch(old, new);
    let hunks = patch
        .hunks()
        .iter()
        .map(|hunk| Hunk {
            old_start: hunk.old_range().start(),
            old_lines: hunk.old_range().len(),
            new_start: hunk.new_range().start(),
            new_lines: hunk.new_range().len(),
            lines: hunk
                .lines()
                .iter()
                .map(|line| match line {
                    diffy::Line::Context(text) => (LineOp::Context, text),
                    diffy::Line::Delete(text) => (LineOp::Delete, text),
                    diffy::Line::Insert(text) => (LineOp::Insert, text),
                })
                .map(|(op, text)| HunkLine {
                    op,
                    text: (*text).to_owned(),
                })
                .collect(),
        })
        .collect();
    LineDiff {
        unified: patch.to_string(),
        hunks,
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
        }
    }
}
