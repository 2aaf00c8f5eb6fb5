"""The directory's search is served by the trigram index on PostgreSQL (migration
``schools/0007_directory_search_index``): the index's expressions must stay exactly those the
search filter generates, or PostgreSQL scans every school again."""

import pytest
from django.db import connection

from modules.schools.selectors import school_list

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test database is tiny: forbid the plain scans the planner would prefer (of the
        # table, or of a whole unrelated index), so the plan shows whether an index can serve
        # the search's conditions at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def schools(geography, make_school):
    make_school(code="10001", name="Centro Escolar Los Laureles")
    make_school(code="20001", name="Colegio El Zapote")


@pytest.mark.parametrize("word", ["laureles", "1000"])
def test_name_and_code_search_use_the_trigram_index(schools, word):
    matches = school_list(filters={"q": word})

    assert "school_directory_trgm_idx" in _plan(matches)
    assert matches.exists()  # and the indexed query still finds the school
