#!/usr/bin/env bash
# Adds one migration for both database providers, with the same name, in one step:
#
#   scripts/add-migration.sh AddSurveys
#
# Each provider has its own DbContext subclass, snapshot and migrations folder (docs/decisions/ explains why); a model
# change needs both. MigrationTests fails when the two lists drift apart.
set -euo pipefail

name="${1:-}"
if [[ ! "$name" =~ ^[A-Z][A-Za-z0-9]*$ ]]; then
  echo "usage: scripts/add-migration.sh Name   (PascalCase: letters and digits, starting with a capital)" >&2
  exit 2
fi

cd "$(dirname "$0")/../src/Ribalta"
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  echo "== $provider"
  # No --namespace: the snapshot would be written to a stray folder.
  dotnet ef migrations add "$name" --context "${provider}RibaltaDbContext" --output-dir "Platform/Data/Migrations/$provider"
done
echo "Added $name for SQLite and PostgreSQL; review both, then run the tests on both providers."
