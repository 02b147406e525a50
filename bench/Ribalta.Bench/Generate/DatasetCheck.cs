using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Cases.Domain;
using Ribalta.Cases.Search;
using Ribalta.Cases.ViewCase;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Text;

namespace Ribalta.Bench.Generate;

/// <summary>
/// The generator's own sanity check, run at the end of every generation: every table holds what was written,
/// nothing points at a missing row, and a sample read back through the application (its EF model, its readers,
/// its search) gives what the handlers would have stored: the same customer search terms, the same message search
/// entries, messages that search finds, and cases whose last change is their newest event.
/// </summary>
internal static class DatasetCheck
{
    private const int Sample = 200;

    public static async Task<IReadOnlyList<(string Table, long Rows)>> RunAsync(
        IServiceProvider services, IBulkLoader loader, DatasetShape shape, DatasetTimeline timeline, FirstIds first, IReadOnlyDictionary<BulkTable, long> before, Progress progress)
    {
        var failures = new List<string>();
        var counts = new List<(string, long)>();
        foreach (var table in BulkTable.All)
        {
            var rows = await loader.CountAsync(table);
            counts.Add((table.Name, rows));
            if (rows != before[table] + loader[table].Rows)
            {
                failures.Add($"{table.Name}: {rows:N0} rows, expected {before[table] + loader[table].Rows:N0}");
            }
        }

        var messages = counts.Single(c => c.Item1 == BulkTable.Messages.Name).Item2 - before[BulkTable.Messages];
        if (messages != shape.Messages)
        {
            failures.Add($"messages: {messages:N0} written, the shape says {shape.Messages:N0}");
        }

        if (loader is SqliteBulkLoader sqlite)
        {
            progress.Step("checking foreign keys");
            if (sqlite.ForeignKeyViolations() is > 0 and var violations)
            {
                failures.Add($"{violations:N0} rows point at a missing parent");
            }
        }

        progress.Step("reading a sample back through the application");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        await CheckCustomersAsync(db, timeline, failures);
        await CheckMessagesAsync(db, scope.ServiceProvider.GetRequiredService<MessageSearch>(), first, shape, failures);
        await CheckCasesAsync(db, scope.ServiceProvider.GetRequiredService<CaseReader>(), first, shape, failures);

        if (failures.Count > 0)
        {
            throw new InvalidOperationException("Sanity check failed:\n  " + string.Join("\n  ", failures.Take(50)));
        }

        progress.Step($"passed: row counts, foreign keys, and {Sample} customers, messages and cases read back through the application");
        return counts;
    }

    /// <summary>The customer search terms are those SearchTerms.For gives for the stored customer.</summary>
    private static async Task CheckCustomersAsync(RibaltaDbContext db, DatasetTimeline timeline, List<string> failures)
    {
        var ids = Spread(timeline.Customers.Count).Select(i => timeline.Customers[(int)i].Id).ToList();
        var customers = await db.Set<Customer>().AsNoTracking().AsSplitQuery()
            .Include(c => c.ContactPoints).Include(c => c.SearchTerms).Include(c => c.Segments)
            .Where(c => ids.Contains(c.Id)).ToListAsync();
        var organisations = await db.Set<Organisation>().AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name);
        if (customers.Count != ids.Count)
        {
            failures.Add($"customers: {customers.Count} of {ids.Count} sampled found");
        }

        foreach (var customer in customers)
        {
            var expected = SearchTerms.For(customer, customer.OrganisationId is { } o ? organisations[o] : null).Order(StringComparer.Ordinal);
            var stored = customer.SearchTerms.Select(t => t.Term).Order(StringComparer.Ordinal);
            if (!expected.SequenceEqual(stored))
            {
                failures.Add($"customer {customer.Id}: search terms [{string.Join(' ', stored)}], the application makes [{string.Join(' ', expected)}]");
            }
        }
    }

    /// <summary>Search entries are SearchEntry.For of the stored message (with the subject for a case's first), and search finds them.</summary>
    private static async Task CheckMessagesAsync(RibaltaDbContext db, MessageSearch search, FirstIds first, DatasetShape shape, List<string> failures)
    {
        var ids = Spread(shape.Messages).Select(i => first.Message + i).ToList();
        var messages = await db.Set<Message>().AsNoTracking().Where(m => ids.Contains(m.Id)).ToListAsync();
        var entries = await db.Set<SearchEntry>().AsNoTracking().Where(e => ids.Contains(e.MessageId)).ToDictionaryAsync(e => e.MessageId);
        var caseIds = messages.Select(m => m.CaseId).Distinct().ToList();
        var subjects = await db.Set<Case>().AsNoTracking().Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Subject);
        var firstMessages = await db.Set<Message>().AsNoTracking().Where(m => caseIds.Contains(m.CaseId))
            .GroupBy(m => m.CaseId).Select(g => g.Min(m => m.Id)).ToListAsync();
        if (messages.Count != ids.Count)
        {
            failures.Add($"messages: {messages.Count} of {ids.Count} sampled found");
        }

        foreach (var message in messages)
        {
            var expected = SearchEntry.For(message, firstMessages.Contains(message.Id) ? subjects[message.CaseId] : null);
            if (!entries.TryGetValue(message.Id, out var entry) || entry.Terms != expected.Terms || entry.CaseId != message.CaseId)
            {
                failures.Add($"message {message.Id}: search entry '{entry?.Terms}', the application writes '{expected.Terms}'");
                continue;
            }

            // The longest word of the message, searched for newest-first from just above it, must find it first.
            var word = SearchAnalyzer.Words(message.Body).MaxBy(w => w.Length)!;
            var found = await search.SearchAsync(word, message.Id + 1, 1, CancellationToken.None);
            if (found.Messages.FirstOrDefault()?.MessageId != message.Id)
            {
                failures.Add($"message {message.Id}: searching '{word}' finds {found.Messages.FirstOrDefault()?.MessageId.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
            }
        }
    }

    /// <summary>Cases read through CaseReader with their whole conversation; their last change is their newest event.</summary>
    private static async Task CheckCasesAsync(RibaltaDbContext db, CaseReader reader, FirstIds first, DatasetShape shape, List<string> failures)
    {
        foreach (var number in Spread(shape.Cases).Select(i => i + 1))
        {
            var id = first.Case + number - 1;
            var details = await reader.FindAsync(id, CaseViewer.Staff, CancellationToken.None);
            var conversation = await reader.MessagesAsync(id, CaseViewer.Staff, null, CaseReader.MessagePageSize, CancellationToken.None);
            var subjectId = id.ToString(CultureInfo.InvariantCulture);
            var lastEvent = await db.Events.AsNoTracking().Where(e => e.SubjectType == "case" && e.SubjectId == subjectId)
                .OrderByDescending(e => e.Id).Select(e => (DateTimeOffset?)e.OccurredAt).FirstOrDefaultAsync();
            var expectedMessages = Math.Min(shape.MessagesIn(number), CaseReader.MessagePageSize);
            if (details is null || conversation is null || conversation.Items.Count != expectedMessages)
            {
                failures.Add($"case {id}: {(details is null ? "not found" : $"{conversation?.Items.Count} messages, expected {expectedMessages}")}");
            }
            else if (details.UpdatedAt != lastEvent || details.AssigneeName is null)
            {
                failures.Add($"case {id}: updated {details.UpdatedAt:O}, newest event {lastEvent:O}, owner '{details.AssigneeName}'");
            }
        }
    }

    /// <summary>Up to <see cref="Sample"/> positions spread evenly over 0..count-1, first and last included.</summary>
    private static IEnumerable<long> Spread(long count) =>
        count <= Sample ? Enumerable.Range(0, (int)count).Select(i => (long)i) : Enumerable.Range(0, Sample).Select(i => i * (count - 1) / (Sample - 1));
}
