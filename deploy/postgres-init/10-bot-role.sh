#!/bin/sh
# Runs once, when the db service's volume is first created (docker-entrypoint-initdb.d):
# the role the bot connects as. It owns nothing and is no superuser, so it cannot TRUNCATE,
# change the schema, disable a trigger or set session_replication_role; the migrate service
# ("neurocheck db upgrade --grant neurocheck_bot") grants it its rows. For a volume created
# before this script existed, run the same statement once by hand (see deploy/README.md).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v password="$POSTGRES_BOT_PASSWORD" <<'SQL'
CREATE ROLE neurocheck_bot LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SQL
