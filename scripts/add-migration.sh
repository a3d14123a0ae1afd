#!/usr/bin/env bash
# Adds a migration for every database provider at once: ./scripts/add-migration.sh Name
# Each provider keeps its own set under src/Shared/Data/Migrations/<Provider>.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name="${1:?usage: scripts/add-migration.sh MigrationName}"
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql SqlServer; do
    dotnet ef migrations add "$name" \
        --project src/Shared --startup-project src/Shared \
        --context "${provider}LitigesDbContext" \
        --output-dir "Data/Migrations/$provider" \
        --namespace "Litiges.Data.Migrations.$provider"
    # EF writes the model snapshot under the root namespace's folders: put it beside its migrations.
    if [ -d src/Shared/Litiges ]; then
        mv src/Shared/Litiges/Data/Migrations/"$provider"/*.cs "src/Shared/Data/Migrations/$provider/"
        rm -rf src/Shared/Litiges
    fi
done
