// A small Express shop for sift's performance suite: real SQLite (sql.js, SQLite compiled to
// WebAssembly), traced by @sentry/node with tracesSampleRate 1.0. GET /authors lists each
// author's books with one query per author (an N+1), GET /authors/:id is one query, GET
// /checkout fails inside a span of its own. Each query runs in a `db` span, as an instrumented
// driver makes. It listens on a free loopback port and prints `listening on PORT`.
const Sentry = require("@sentry/node");

Sentry.init({ dsn: process.env.SENTRY_DSN, tracesSampleRate: 1.0, environment: "e2e", release: "shop@1.0" });

const express = require("express");
const initSqlJs = require("sql.js");

const AUTHORS = 8;
const BOOKS = 60000;

function query(db, sql, params = []) {
  return Sentry.startSpan({ op: "db", name: sql, attributes: { "db.system": "sqlite" } }, () => {
    const statement = db.prepare(sql);
    statement.bind(params);
    const rows = [];
    while (statement.step()) rows.push(statement.get());
    statement.free();
    return rows;
  });
}

async function main() {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT)");
  // No index on author_id: each author's query scans the books, as a forgotten index does.
  db.run("CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER, title TEXT)");
  db.run("BEGIN");
  for (let i = 1; i <= AUTHORS; i++) db.run("INSERT INTO authors VALUES (?, ?)", [i, `author ${i}`]);
  const insert = db.prepare("INSERT INTO books (author_id, title) VALUES (?, ?)");
  for (let i = 0; i < BOOKS; i++) insert.run([(i % AUTHORS) + 1, `book ${i}`]);
  insert.free();
  db.run("COMMIT");

  const app = express();
  app.get("/authors", (req, res) => {
    const authors = query(db, "SELECT id, name FROM authors");
    const out = authors.map(([id, name]) => {
      const [[books]] = query(db, "SELECT count(title) FROM books WHERE author_id = ?", [id]);
      return { name, books };
    });
    res.json(out);
  });
  app.get("/authors/:id", (req, res) => {
    const rows = query(
      db,
      "SELECT a.name, count(b.id) FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id = ?",
      [Number(req.params.id)],
    );
    res.json({ name: rows[0][0], books: rows[0][1] });
  });
  app.get("/checkout", (req, res) => {
    query(db, "SELECT count(*) FROM authors");
    Sentry.startSpan({ op: "function", name: "charge card" }, () => {
      try {
        query(db, "SELECT total FROM carts WHERE id = 1");
      } catch (err) {
        // Captured inside the span, so the error names it; Express's own capture of the same
        // exception is dropped as a duplicate.
        Sentry.captureException(err);
        throw err;
      }
    });
    res.send("unreachable");
  });
  Sentry.setupExpressErrorHandler(app);
  app.use((err, req, res, next) => res.status(500).send("failed"));

  const server = app.listen(0, "127.0.0.1", () => console.log(`listening on ${server.address().port}`));
  const stop = async () => {
    await Sentry.flush(5000);
    server.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
