"""The full-text index of the case library, per backend (DECISIONS 39): an FTS5 table kept by triggers on
SQLite, a generated tsvector column with a GIN index on PostgreSQL. Both index the jieba tokens the app
writes into search_title and search_body."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE cases_fts USING fts5(search_title, search_body, content='cases_casedocument', "
    "content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases_casedocument BEGIN "
    "INSERT INTO cases_fts(rowid, search_title, search_body) VALUES (new.id, new.search_title, new.search_body); END",
    "CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases_casedocument BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_title, search_body) "
    "VALUES ('delete', old.id, old.search_title, old.search_body); END",
    "CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_title, search_body ON cases_casedocument BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_title, search_body) "
    "VALUES ('delete', old.id, old.search_title, old.search_body); "
    "INSERT INTO cases_fts(rowid, search_title, search_body) VALUES (new.id, new.search_title, new.search_body); END",
    "INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_fts_update", "DROP TRIGGER IF EXISTS cases_fts_delete",
    "DROP TRIGGER IF EXISTS cases_fts_insert", "DROP TABLE IF EXISTS cases_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE cases_casedocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B')) STORED",
    "CREATE INDEX cases_casedocument_search_vector ON cases_casedocument USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS cases_casedocument_search_vector",
    "ALTER TABLE cases_casedocument DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_library_and_training")]
    operations = [migrations.RunPython(forward, backward)]
