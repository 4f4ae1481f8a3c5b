//! The span waterfall of one trace: the tree the server answered, flattened once (when it
//! arrives) into rows in tree order, each with its depth, its tree guide (`├─`, `└─`, `│ `), its
//! times and the errors and performance issues hanging on it; errors that hang on no span come
//! last, on rows of their own. Flattening walks an explicit stack, so a deep or wide tree costs
//! linear time and no recursion; the guides stop growing past [`MAX_GUIDE`] levels. Drawing
//! only reads these rows, and only the visible ones.

use super::state::{Load, ReqId};
use crate::api::models::performance::{Trace, TraceIssue, TraceSpan};

/// Deepest level drawn with its own guide; deeper rows show their depth instead.
pub const MAX_GUIDE: usize = 12;

/// One row of the waterfall.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub span_id: String,
    pub depth: usize,
    /// The tree guide before the op.
    pub guide: String,
    pub op: String,
    pub description: String,
    pub project_slug: String,
    pub is_transaction: bool,
    /// Unix seconds.
    pub start: f64,
    pub end: f64,
    pub issues: Vec<TraceIssue>,
    /// An error that hangs on no span (its own row, no bar).
    pub loose: bool,
}

impl Row {
    /// Never negative: a span from a remote server that ends before it starts shows 0 ms.
    pub fn duration_ms(&self) -> f64 {
        ((self.end - self.start) * 1000.0).max(0.0)
    }
}

/// A trace, flattened.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flat {
    pub trace_id: String,
    pub rows: Vec<Row>,
    /// The earliest start and the latest end of every span.
    pub start: f64,
    pub end: f64,
    /// Spans in all, and how many carry an issue.
    pub spans: usize,
    pub marked: usize,
}

impl Flat {
    pub fn from_trace(trace: &Trace) -> Self {
        let mut flat =
            Flat { trace_id: trace.trace_id.clone(), start: f64::INFINITY, end: f64::NEG_INFINITY, ..Flat::default() };
        // (span, depth, guide of its children, is it the last of its siblings)
        let mut stack: Vec<(&TraceSpan, usize, String, bool)> = Vec::new();
        for (i, root) in trace.roots.iter().enumerate().rev() {
            stack.push((root, 0, String::new(), i + 1 == trace.roots.len()));
        }
        while let Some((span, depth, above, last)) = stack.pop() {
            let guide = if depth == 0 {
                String::new()
            } else if depth > MAX_GUIDE {
                format!("{above}{depth}·")
            } else {
                format!("{above}{}", if last { "└─" } else { "├─" })
            };
            let below = if depth == 0 || depth > MAX_GUIDE {
                above.clone()
            } else {
                format!("{above}{}", if last { "  " } else { "│ " })
            };
            flat.start = flat.start.min(span.start);
            flat.end = flat.end.max(span.end);
            flat.spans += 1;
            flat.marked += usize::from(!span.issues.is_empty());
            flat.rows.push(Row {
                span_id: span.span_id.clone(),
                depth,
                guide,
                op: span.op.clone(),
                description: span.description.clone(),
                project_slug: span.project_slug.clone(),
                is_transaction: span.is_transaction,
                start: span.start,
                end: span.end,
                issues: span.issues.clone(),
                loose: false,
            });
            let count = span.children.len();
            for (i, child) in span.children.iter().enumerate().rev() {
                stack.push((child, depth + 1, below.clone(), i + 1 == count));
            }
        }
        for issue in &trace.loose {
            flat.marked += 1;
            flat.rows.push(Row {
                op: issue.kind.clone(),
                description: issue.title.clone(),
                project_slug: issue.project_slug.clone(),
                issues: vec![issue.clone()],
                loose: true,
                ..Row::default()
            });
        }
        if !flat.start.is_finite() || !flat.end.is_finite() {
            (flat.start, flat.end) = (0.0, 0.0);
        }
        flat
    }

    /// The trace's length in milliseconds.
    pub fn duration_ms(&self) -> f64 {
        (self.end - self.start).max(0.0) * 1000.0
    }
}

/// The waterfall screen's state.
#[derive(Debug, Clone, Default)]
pub struct Waterfall {
    pub trace_id: String,
    pub data: Load<Flat>,
    pub req: Option<ReqId>,
    pub cursor: usize,
    /// The span to put the cursor on when the trace arrives (a sample's root, an event's span).
    pub focus: Option<String>,
}

impl Waterfall {
    pub fn new(trace_id: String, focus: Option<String>) -> Self {
        Self { trace_id, focus, ..Self::default() }
    }

    pub fn current(&self) -> Option<&Row> {
        self.data.ready().and_then(|d| d.rows.get(self.cursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: &str, start: f64, end: f64, children: Vec<TraceSpan>) -> TraceSpan {
        TraceSpan { span_id: id.into(), op: "db".into(), start, end, children, ..TraceSpan::default() }
    }

    #[test]
    fn the_tree_flattens_in_order_with_guides() {
        let trace = Trace {
            trace_id: "t".into(),
            roots: vec![span(
                "root",
                10.0,
                11.0,
                vec![
                    span("a", 10.1, 10.5, vec![span("a1", 10.2, 10.3, Vec::new())]),
                    span("b", 10.5, 12.0, Vec::new()),
                ],
            )],
            loose: vec![TraceIssue { title: "KeyError".into(), kind: "error".into(), ..TraceIssue::default() }],
        };
        let flat = Flat::from_trace(&trace);
        let rows: Vec<(&str, &str)> = flat.rows.iter().map(|r| (r.span_id.as_str(), r.guide.as_str())).collect();
        assert_eq!(rows, [("root", ""), ("a", "├─"), ("a1", "│ └─"), ("b", "└─"), ("", "")]);
        assert!(flat.rows[4].loose);
        assert_eq!((flat.start, flat.end, flat.spans, flat.marked), (10.0, 12.0, 4, 1));
    }

    #[test]
    fn deep_trees_flatten_without_recursion_and_cap_their_guides() {
        let mut deep = span("leaf", 1.0, 2.0, Vec::new());
        for i in 0..5_000 {
            deep = span(&format!("s{i}"), 1.0, 2.0, vec![deep]);
        }
        let flat = Flat::from_trace(&Trace { trace_id: "t".into(), roots: vec![deep], loose: Vec::new() });
        assert_eq!(flat.rows.len(), 5_001);
        assert!(flat.rows.iter().all(|r| r.guide.chars().count() <= 2 * MAX_GUIDE + 8), "guides stay bounded");
        assert_eq!(flat.rows[5_000].guide.chars().last(), Some('·'));
    }
}
