"""A small Flask shop for sift's performance suite: real SQLite through SQLAlchemy, traced by
sentry-python with traces_sample_rate=1.0. GET /authors lists each author's books with one query
per author (an N+1), GET /authors/<id> is one query, GET /checkout fails inside a span of its own.
It listens on a free loopback port and prints `listening on PORT`; SENTRY_DSN says where to send.
"""

import logging
import os
import sqlite3
import sys
import tempfile

import sentry_sdk
from flask import Flask, jsonify
from sentry_sdk.integrations.flask import FlaskIntegration
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

AUTHORS = 8
BOOKS = 60_000

sentry_sdk.init(
    dsn=os.environ["SENTRY_DSN"],
    traces_sample_rate=1.0,
    environment="e2e",
    release="shop@1.0",
    integrations=[FlaskIntegration(transaction_style="url")],
)

path = os.path.join(tempfile.mkdtemp(prefix="sift-flask-"), "shop.db")
with sqlite3.connect(path) as db:
    db.execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT)")
    # No index on author_id: each author's query scans the books, as a forgotten index does.
    db.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER, title TEXT)")
    db.executemany("INSERT INTO authors VALUES (?, ?)", [(i, f"author {i}") for i in range(1, AUTHORS + 1)])
    db.executemany(
        "INSERT INTO books (author_id, title) VALUES (?, ?)",
        [(i % AUTHORS + 1, f"book {i}") for i in range(BOOKS)],
    )
engine = create_engine(f"sqlite:///{path}")
app = Flask(__name__)
# Quiet: the test reads what the SDK sent, not the request log or the expected traceback.
logging.getLogger("werkzeug").setLevel(logging.ERROR)
app.logger.disabled = True


@app.route("/authors")
def authors():
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, name FROM authors")).fetchall()
        out = []
        for author_id, name in rows:
            books = conn.execute(text("SELECT count(title) FROM books WHERE author_id = :id"), {"id": author_id})
            out.append({"name": name, "books": books.scalar()})
    return jsonify(out)


@app.route("/authors/<int:author_id>")
def author(author_id):
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT a.name, count(b.id) FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id = :id"),
            {"id": author_id},
        ).fetchone()
    return jsonify({"name": row[0], "books": row[1]})


@app.route("/checkout")
def checkout():
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM authors")).scalar()
        with sentry_sdk.start_span(op="function", name="charge card"):
            try:
                conn.execute(text("SELECT total FROM carts WHERE id = 1"))
            except Exception:
                # Captured inside the span, so the error names it; Flask's own capture of the
                # same exception is dropped as a duplicate.
                sentry_sdk.capture_exception()
                raise
    return "unreachable"


server = make_server("127.0.0.1", 0, app, threaded=True)
print(f"listening on {server.server_port}", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
finally:
    sentry_sdk.flush(5)
    sys.exit(0)
