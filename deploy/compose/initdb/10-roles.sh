#!/bin/bash
# Runs once, when the postgres container initialises an empty data directory:
# the writing role `broadsheet` owns the database (the indexer: migrations and
# writes, no superuser) and `broadsheet_reader` only reads (the query service).
# Passwords come from the compose secrets, never from this file.
set -euo pipefail
writer="$(cat /run/secrets/db_writer_password)"
reader="$(cat /run/secrets/db_reader_password)"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v writer="$writer" -v reader="$reader" <<'SQL'
CREATE ROLE broadsheet LOGIN PASSWORD :'writer';
CREATE ROLE broadsheet_reader LOGIN PASSWORD :'reader';
ALTER DATABASE broadsheet OWNER TO broadsheet;
GRANT CONNECT ON DATABASE broadsheet TO broadsheet_reader;
GRANT pg_read_all_data TO broadsheet_reader;
ALTER ROLE broadsheet_reader SET default_transaction_read_only = on;
SQL
