use super::{Notes, hex_id, spans};
use crate::ingest::tree::Value;

#[test]
fn ids_are_hex_of_their_length_and_never_all_zeros() {
    let v = |s: &str| Value::from(s.to_string());
    assert_eq!(hex_id(Some(&v("A1B2C3D4E5F60718")), 16).as_deref(), Some("a1b2c3d4e5f60718"));
    assert_eq!(
        hex_id(Some(&v("e3b0c442-98fc-1c14-9afb-f4c8996fb924")), 32).as_deref(),
        Some("e3b0c44298fc1c149afbf4c8996fb924")
    );
    for bad in ["0000000000000000", "a1b2", "g1b2c3d4e5f60718"] {
        assert_eq!(hex_id(Some(&v(bad)), 16), None, "{bad}");
    }
    assert_eq!(hex_id(Some(&Value::from(7u64)), 16), None);
}

/// A chain of 100,000 parents, closed into one loop: one link is cut, in linear time, without
/// recursion.
#[test]
fn a_loop_of_100000_parents_is_cut_once() {
    let n = 100_000;
    let id = |i: usize| format!("{:016x}", i + 1);
    let list: Vec<Value> = (0..n)
        .map(|i| {
            Value::from(serde_json::json!({"span_id": id(i), "parent_span_id": id((i + 1) % n), "op": "x",
                                           "start_timestamp": 1.0, "timestamp": 2.0}))
        })
        .collect();
    let mut notes = Notes::default();
    let checked = spans(list, "ffffffffffffffff", 0.0, &mut notes);
    assert_eq!(checked.len(), n);
    let rehung = checked.iter().filter(|s| s.parent_span_id.as_deref() == Some("ffffffffffffffff")).count();
    assert_eq!(rehung, 1);
    assert_eq!(notes.into_errors().len(), 1);
}
