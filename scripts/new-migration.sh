#!/usr/bin/env bash
# Usage: npm run db:new-migration -- NAME
# Writes prisma/migrations/<timestamp>_NAME/migration.sql from the difference between the
# committed schema (HEAD) and the edited prisma/schema.prisma. (`prisma migrate dev` does not
# work with the WebAssembly engine; see README.)
set -euo pipefail
name=${1:?usage: npm run db:new-migration -- NAME}
prev=$(mktemp --suffix=.prisma)
trap 'rm -f "$prev"' EXIT
git show HEAD:prisma/schema.prisma > "$prev"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir"
npx prisma migrate diff --from-schema-datamodel "$prev" --to-schema-datamodel prisma/schema.prisma --script > "$dir/migration.sql"
echo "wrote $dir/migration.sql"
