#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 and that the throw-away database the
# suite connects to exists. Never assume the server runs: start it when it does not.
set -euo pipefail
host=127.0.0.1 port=5432 user=${PGUSER:-postgres} db=${OVERSIGHT_PG_DB:-oversight_ci}

if ! command -v pg_isready >/dev/null; then
  echo "PostgreSQL client tools are missing: install the 'postgresql' package (apt-get install postgresql)." >&2
  exit 1
fi
if ! pg_isready -q -h "$host" -p "$port"; then
  echo "Starting PostgreSQL..."
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h "$host" -p "$port" && break; sleep 1; done
  pg_isready -q -h "$host" -p "$port" || { echo "PostgreSQL did not start on $host:$port" >&2; exit 1; }
fi
# The suite creates its own test_<db> database; the connection database must exist too.
if ! psql -h "$host" -p "$port" -U "$user" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
  psql -h "$host" -p "$port" -U "$user" -d postgres -qc "CREATE DATABASE $db" >/dev/null
fi
