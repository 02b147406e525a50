#!/usr/bin/env bash
# Mutation testing, one area at a time: Stryker mutates the code that guards an area and runs only the
# test classes that should notice. Not part of CI; run it when you touch a guard. See docs/testing.md.
#
#   scripts/mutate.sh csv                   # one area
#   scripts/mutate.sh csv guard envelopes   # several in one run (Stryker compiles the project once, ~10 min on 2 cores)
#   scripts/mutate.sh list                  # the areas and what they mutate
#   CONCURRENCY=2 scripts/mutate.sh guard
#   scripts/mutate.sh guard -- --since main # anything after -- goes to Stryker as is
#
# Reports land in StrykerOutput/<areas>/<timestamp>/reports/ (gitignored); the score per file is in the cleartext
# table at the end of the run and in mutation-report.html. Integration areas run only the
# SQLite subclasses; the PostgreSQL ones test the same code through another provider and would double the time.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
chosen=()
while [[ $# -gt 0 && "$1" != -- ]]; do chosen+=("$1"); shift; done
[[ "${1:-}" == -- ]] && shift
area="${chosen[0]:-}"

# area -> "mutate globs (relative to src/Ribalta, ';'-separated)|test-case filter". A file may end in {first..last},
# a span of LINES (1-based, inclusive), which the script turns into the character span Stryker reads ({a..b} in
# Stryker.NET counts characters, not lines). Integration areas mutate the guards' methods and leave out EF model
# configuration and start-up wiring: code that runs when the app starts, outside any test, makes Stryker run every
# test of the run for each of its mutants (~90 s each here).
declare -A areas=(
  [csv]="Platform/Csv/CsvWriter.cs|FullyQualifiedName~Ribalta.Tests.Unit.CsvWriterTests"
  [guard]="Platform/Net/*.cs|FullyQualifiedName~Ribalta.Tests.Unit.OutboundAddressGuardTests"
  [envelopes]="Empowerment/Domain/AuthorityEnvelope.cs|FullyQualifiedName~Ribalta.Tests.Unit.Empowerment.EnvelopeTests"
  [sanitiser]="Channels/Email/EmailHtml.cs{20..131}|FullyQualifiedName~Ribalta.Tests.Email.EmailCorpusTests|FullyQualifiedName~Ribalta.Tests.Unit.EmailHtmlTests"
  [ownership]="Cases/Attachments/Attachments.cs{100..170};Customers/PortalAccess/PortalEndpoints.cs{54..74}|FullyQualifiedName~PortalOwnershipTestsOnSqlite|FullyQualifiedName~AttachmentTestsOnSqlite"
  [sessions]="Platform/Identity/SignInSessions.cs{57..115};Platform/Identity/SessionCookieEvents.cs{48..83};Platform/Identity/SessionRevalidation.cs{12..25}|FullyQualifiedName~SessionTestsOnSqlite"
  # Ingest: the API's writer and idempotency keys, and the landing every door uses. InboundLandingTests calls the landing
  # as the email and chat doors do (threading, known and new people, cutting), which the API does not reach; the social
  # mentions share the API's writer with a scope of their own.
  [ingest]="Channels/Ingest/IngestQueue.cs{34..246};Channels/Ingest/IngestModel.cs{56..98};Cases/Inbound/InboundLanding.cs{21..193}|FullyQualifiedName~IngestTestsOnSqlite|FullyQualifiedName~InboundLandingTestsOnSqlite|FullyQualifiedName~SocialMentionTestsOnSqlite"
  [outbox]="Channels/Email/EmailDispatcher.cs{24..232};Platform/Integrations/WebhookDispatcher.cs{100..220};Platform/Integrations/WebhookDispatcher.Sending.cs{24..160}|FullyQualifiedName~EmailOutboxTestsOnSqlite|FullyQualifiedName~WebhookTestsOnSqlite"
  # Staff roles: the role lists and the role and deactivation rules of StaffDirectory (SetRoles, SetActive, last admin,
  # role validation, invitation tokens). {a..b} is a line span.
  [roles]="Platform/Identity/StaffRoles.cs{18..20};Platform/Identity/StaffDirectory.cs{207..287};Platform/Identity/StaffDirectory.cs{404..433}|FullyQualifiedName~StaffTestsOnSqlite|FullyQualifiedName~CaseAssignmentTestsOnSqlite|FullyQualifiedName~Ribalta.Tests.Unit.StaffRolesTests"
  # The policies built from the roles (Configuration.cs, the AddAuthorizationBuilder lines) against the authorization
  # matrix. Slow: policies are built at start-up, outside any test, so Stryker runs every test of the run for each mutant.
  [policies]="Platform/Identity/Configuration.cs{77..89}|FullyQualifiedName~Ribalta.Tests.Integration.Platform.AuthorizationMatrixTests"
  # API keys: the scheme that turns a key into a principal, the scope requirement, and creating, revoking and verifying keys.
  [apikeys]="Platform/Integrations/ApiKeyAuthentication.cs{35..123};Platform/Integrations/ApiKeys.cs{92..182}|FullyQualifiedName~ApiKeyTestsOnSqlite"
)
# Areas whose tests are all unit tests can run several mutants at once; integration areas start a whole app
# per test run and share a 2-core machine, so they default to one at a time.
declare -A parallel=([csv]=2 [guard]=2 [envelopes]=2 [sanitiser]=2)

unknown=""
for name in "${chosen[@]}"; do [[ "$name" == list || -n "${areas[$name]:-}" ]] || unknown="$name"; done
if [[ -z "$area" || "$area" == list || -n "$unknown" ]]; then
  [[ -n "$unknown" ]] && echo "unknown area: $unknown" >&2
  echo "areas:"
  for name in $(printf '%s\n' "${!areas[@]}" | sort); do
    spec="${areas[$name]}"
    printf '  %-10s mutate %s\n             tests  %s\n' "$name" "${spec%%|*}" "${spec#*|}"
  done
  [[ "$area" == list ]] && exit 0 || exit 2
fi

# "File.cs{10..20}" (lines) -> "File.cs{start..end}" (characters of lines 10 to 20, as Roslyn counts them).
characters() {
  [[ "$1" =~ ^(.*)\{([0-9]+)\.\.([0-9]+)\}$ ]] || { echo "$1"; return; }
  python3 - "$root/src/Ribalta/${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "${BASH_REMATCH[1]}" <<'PY'
import sys
path, first, last, name = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lines = open(path, encoding="utf-8-sig", newline="").read().splitlines(keepends=True)
units = lambda text: len(text.encode("utf-16-le")) // 2
start = sum(units(line) for line in lines[:first - 1])
end = start + sum(units(line) for line in lines[first - 1:last])
print(f"{name}{{{start}..{end}}}")
PY
}

mutate_args=()
filters=()
concurrency=2
for name in "${chosen[@]}"; do
  spec="${areas[$name]}"
  IFS=';' read -ra patterns <<< "${spec%%|*}"
  for pattern in "${patterns[@]}"; do mutate_args+=(--mutate "**/src/Ribalta/$(characters "$pattern")"); done
  filters+=("${spec#*|}")
  [[ -n "${parallel[$name]:-}" ]] || concurrency=1
done
filter="$(IFS='|'; echo "${filters[*]}")"
concurrency="${CONCURRENCY:-$concurrency}"

output="$root/StrykerOutput/$(IFS=+; echo "${chosen[*]}")"
mkdir -p "$output"

cd "$root/tests/Ribalta.Tests"
dotnet tool restore >/dev/null
# Stryker runs the tests with `dotnet test`; the filter keeps it to the area's classes (never Suite=Postgres).
exec dotnet dotnet-stryker \
  --project Ribalta.csproj \
  --test-project Ribalta.Tests.csproj \
  "${mutate_args[@]}" \
  --test-case-filter "($filter)&Suite!=Postgres" \
  --concurrency "$concurrency" \
  --reporter html --reporter json --reporter progress --reporter cleartext \
  --output "$output" \
  --break-at 0 \
  "$@"
