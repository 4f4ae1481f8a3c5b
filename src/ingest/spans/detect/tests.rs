use super::{parameterize_sql, span_hash};

#[test]
fn literals_are_parameterized_so_values_share_a_shape() {
    let cases = [
        ("SELECT * FROM t WHERE id = 42", "SELECT * FROM t WHERE id = %s"),
        ("SELECT * FROM t WHERE name = 'O''Brien' AND x > 1.5", "SELECT * FROM t WHERE name = %s AND x > %s"),
        ("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (%s)"),
        ("SELECT * FROM t WHERE id IN (?, ?)", "SELECT * FROM t WHERE id IN (%s)"),
        ("SELECT col1, t2.x FROM t2 WHERE a = $1", "SELECT col1, t2.x FROM t2 WHERE a = $1"),
    ];
    for (sql, shape) in cases {
        assert_eq!(parameterize_sql(sql), shape, "{sql}");
    }
    assert_eq!(
        span_hash(Some("db"), Some("SELECT a FROM b WHERE c = 1")),
        span_hash(Some("db"), Some("SELECT a FROM b WHERE c = 2"))
    );
    assert_ne!(span_hash(Some("db"), Some("SELECT a FROM b")), span_hash(Some("db.query"), Some("SELECT a FROM b")));
    assert_ne!(
        span_hash(Some("http.client"), Some("GET /1")),
        span_hash(Some("http.client"), Some("GET /2")),
        "only DB spans are parameterized"
    );
}
