"""PostgreSQL: rank in a RUM index where the extension can be had (DECISIONS 42).

GIN finds the documents holding a word but not how well they match: ranking then reads and unpacks every match's
stored vector, about a second for a word found in half of 10^5 documents. A RUM index keeps each word's
positions and returns the matches best first (``ORDER BY search_vector <=> query``). The GIN index stays beside
it: the planner counts the matches with it (RUM makes it re-read every match's vector: 57 ms with GIN, 100 ms
with RUM alone for a common word within one region). RUM is an extension
(Debian: ``postgresql-NN-rum``) that only a superuser can create; where it is not installed, or the migrating
role may not create it, the GIN index stays and the search scores the matches one by one — the same results,
slower on very common words. To switch later, install the package, run ``rectify migrate cases 0002`` then
``rectify migrate``, and restart the server (each process checks once which index there is). SQLite is untouched.
"""

from django.db import DatabaseError, migrations, transaction

RUM_INDEX = "cases_casedocument_search_rum"


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")
        if not cursor.fetchone()[0]:
            return
    try:  # not a superuser, or an extension the index cannot use (e.g. in a schema off the search path): GIN alone
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
            schema_editor.execute(f"CREATE INDEX {RUM_INDEX} ON cases_casedocument "
                                  "USING rum (search_vector rum_tsvector_ops)")
    except DatabaseError:
        return


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {RUM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_search_index")]
    operations = [migrations.RunPython(forward, backward)]
