#!/usr/bin/env bash
# Usage: npm run db:new-migration -- NAME
# After editing prisma/schema.prisma, writes the migration of each provider:
# - SQLite: prisma/migrations/<timestamp>_NAME/migration.sql, from the committed schema (HEAD) to
#   the edited prisma/schema.prisma;
# - PostgreSQL: prisma/postgresql/migrations/<timestamp>_NAME/migration.sql, from the schema the
#   PostgreSQL migrations were written for (prisma/postgresql/schema.prisma) to the PostgreSQL
#   variant of prisma/schema.prisma, which then replaces it (and its client is regenerated).
# A provider whose schema has not changed gets no migration: after a merge that brought a model
# and its SQLite migration, this writes only the PostgreSQL one. (`prisma migrate dev` does not
# work with the WebAssembly engine; see README.)
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: npm run db:new-migration -- NAME}
[[ $name =~ ^[A-Za-z0-9_]+$ ]] || { echo "NAME: letters, digits and _ only" >&2; exit 2; }
stamp=$(date -u +%Y%m%d%H%M%S)
prev=$(mktemp --suffix=.prisma)
next=$(mktemp --suffix=.prisma)
trap 'rm -f "$prev" "$next"' EXIT
export PRISMA_HIDE_UPDATE_MESSAGE=1
prisma=(node node_modules/prisma/build/index.js)

# writes the diff from $1 to $2 into $3/<stamp>_NAME/migration.sql unless it is empty
write() {
  local sql
  sql=$("${prisma[@]}" migrate diff --from-schema-datamodel "$1" --to-schema-datamodel "$2" --script 2>/dev/null)
  if grep -q '^-- This is an empty migration.' <<<"$sql"; then
    echo "$4: no change, no migration"
    return
  fi
  mkdir -p "$3/${stamp}_${name}"
  printf '%s\n' "$sql" > "$3/${stamp}_${name}/migration.sql"
  echo "$4: wrote $3/${stamp}_${name}/migration.sql"
}

git show HEAD:prisma/schema.prisma > "$prev"
write "$prev" prisma/schema.prisma prisma/migrations SQLite

npx tsx scripts/postgres-schema.ts "$next"
write prisma/postgresql/schema.prisma "$next" prisma/postgresql/migrations PostgreSQL
cp "$next" prisma/postgresql/schema.prisma
"${prisma[@]}" generate --schema prisma/postgresql/schema.prisma >/dev/null
