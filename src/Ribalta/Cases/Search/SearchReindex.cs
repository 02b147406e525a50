using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Ribalta.Cases.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Text;

namespace Ribalta.Cases.Search;

/// <summary>
/// Analyses every indexed message again with the current <see cref="SearchAnalyzer"/> and rewrites its terms, oldest
/// first, a batch per transaction; the engines' own indexes (FTS5 triggers, the generated tsvector) follow. Run after
/// an upgrade that changes the analysis (<c>dotnet run --project src/Ribalta -- reindex-search</c>); safe while the
/// service runs, since each batch rewrites rows the service only ever inserts. Messages written meanwhile are already
/// analysed the new way. A case's first message is indexed with the case's subject, as when it was written.
/// </summary>
internal sealed class SearchReindex(RibaltaDbContext db)
{
    public const int Batch = 2_000;

    public sealed record Progress(long Done, long Total, TimeSpan Elapsed);

    public async Task<long> RunAsync(Action<Progress> report, CancellationToken ct)
    {
        var total = await db.Set<SearchEntry>().LongCountAsync(ct);
        var done = 0L;
        var after = 0L;
        var watch = Stopwatch.StartNew();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        while (true)
        {
            var rows = await db.Set<SearchEntry>().AsNoTracking()
                .Where(e => e.MessageId > after)
                .OrderBy(e => e.MessageId)
                .Take(Batch)
                .Select(e => new { e.MessageId, e.Message!.CaseId, e.Message.Body, e.Message.Language })
                .ToListAsync(ct);
            if (rows.Count == 0)
            {
                break;
            }

            var caseIds = rows.Select(r => r.CaseId).Distinct().ToList();
            var firsts = await db.Set<Case>().AsNoTracking().Where(c => caseIds.Contains(c.Id))
                .Select(c => new { c.Subject, First = db.Set<Message>().Where(m => m.CaseId == c.Id).Min(m => (long?)m.Id) })
                .ToListAsync(ct);
            var subjects = firsts.Where(f => f.First is not null).ToDictionary(f => f.First!.Value, f => f.Subject);

            var terms = rows.Select(r => (r.MessageId, Terms: SearchAnalyzer.DocumentTerms(
                subjects.TryGetValue(r.MessageId, out var subject) ? $"{subject}\n{r.Body}" : r.Body, r.Language))).ToList();
            await WriteAsync(terms, ct);

            after = rows[^1].MessageId;
            done += rows.Count;
            report(new Progress(done, Math.Max(total, done), watch.Elapsed));
        }

        return done;
    }

    private async Task WriteAsync(List<(long MessageId, string Terms)> terms, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            var ids = terms.Select(t => t.MessageId).ToArray();
            var values = terms.Select(t => t.Terms).ToArray();
            await db.Database.ExecuteSqlAsync(
                $"UPDATE search_entries AS e SET \"Terms\" = v.t FROM unnest({ids}, {values}) AS v(id, t) WHERE e.\"MessageId\" = v.id AND e.\"Terms\" <> v.t", ct);
        }
        else
        {
            // One prepared statement run per row: on SQLite a statement costs no round trip.
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await using var update = connection.CreateCommand();
            update.Transaction = (SqliteTransaction)transaction.GetDbTransaction();
            update.CommandText = "UPDATE search_entries SET Terms = $terms WHERE MessageId = $id AND Terms <> $terms";
            var id = update.Parameters.Add("$id", SqliteType.Integer);
            var value = update.Parameters.Add("$terms", SqliteType.Text);
            foreach (var (messageId, text) in terms)
            {
                id.Value = messageId;
                value.Value = text;
                await update.ExecuteNonQueryAsync(ct);
            }
        }

        await transaction.CommitAsync(ct);
    }
}
