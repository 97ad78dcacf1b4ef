"""SQL tests: every test written against ``db_url`` runs on SQLite and a throwaway PostgreSQL."""
