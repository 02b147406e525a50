using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Conversation;
using Ribalta.Cases.Data;
using Ribalta.Cases.Domain;
using Ribalta.Cases.OpenCase;
using Ribalta.Cases.Search;
using Ribalta.Customers.Contracts;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Cases.Inbound;

/// <summary>
/// Lands a customer's words from any door (see <see cref="IInboundLanding"/>): the sender found or created, their
/// case continued or a new one opened, in the caller's transaction.
/// </summary>
internal sealed class InboundLanding(RibaltaDbContext db, ICustomerDirectory customers, OpenCaseHandler open, ConversationHandler conversation) : IInboundLanding
{
    public async Task<Result<InboundLanded>> LandAsync(Actor door, InboundMessage message, CancellationToken ct)
    {
        var from = message.From;
        var language = string.IsNullOrEmpty(message.Language) ? null : message.Language;
        var body = Cut(message.Body.Trim(), MessageConfiguration.BodyMax);
        var sender = from.CustomerId is { } known ? new CustomerRef(known, from.Name ?? "", null, null)
            : from.Kind is { } kind ? await customers.FindByContactAsync(kind, from.Value!, ct)
            : null;

        if (message.CaseId is { } named)
        {
            // Continuing a case the door names: it must be this sender's. Nothing is created for a stranger.
            return sender is null ? Error.NotFound() : await WriteAsync(sender, named, message with { Body = body }, newCustomer: false, ct);
        }

        var newCustomer = false;
        if (sender is null)
        {
            var learned = message.LanguageIsEvidence ? language : null;
            var created = from.Kind is { } k
                ? await customers.CreateFromContactAsync(door, from.Name, k, from.Value!, learned, ct)
                : await customers.CreatePersonAsync(door, from.Name ?? "", learned, ct);
            if (!created.IsSuccess)
            {
                return created.Error!;
            }

            sender = created.Value;
            newCustomer = true;
        }

        if (!newCustomer && await OpenCaseOfAsync(sender.Id, message.MayContinue, ct) is { } threaded)
        {
            return await WriteAsync(sender, threaded, message with { Body = body }, newCustomer: false, ct);
        }

        var subject = string.IsNullOrWhiteSpace(message.Subject) ? SubjectFrom(body) : Cut(message.Subject.Trim(), CaseConfiguration.SubjectMax);
        var opened = await open.HandleAsync(door, new OpenCaseRequest(sender.Id, subject, body, message.Channel, Language: language, DepartmentId: message.DepartmentId)
        {
            LanguageIsEvidence = message.LanguageIsEvidence,
        }, ct);
        if (!opened.IsSuccess)
        {
            return opened.Error!;
        }

        var messageId = await db.Set<Message>().Where(m => m.CaseId == opened.Value.Id).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync(ct);
        return new InboundLanded(opened.Value.Id, messageId, sender.Id, NewCase: true, newCustomer);
    }

    public async Task<IReadOnlyList<Result<InboundLanded>?>> ContinueManyAsync(IReadOnlyList<(InboundMessage Message, CustomerRef Sender)> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return [];
        }

        // Every case read in one query, every message staged in the unit of work, saved in one go.
        var ids = messages.Select(m => m.Message.CaseId!.Value).Distinct().ToList();
        var cases = await db.Set<Case>().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var staged = new (Message? Message, Error? Error)?[messages.Count];
        for (var n = 0; n < messages.Count; n++)
        {
            var (message, sender) = messages[n];
            if (!cases.TryGetValue(message.CaseId!.Value, out var @case) || @case.CustomerId != sender.Id)
            {
                continue;
            }

            var written = await conversation.StageCustomerMessageAsync(Person(sender), @case, Words(message), ct);
            staged[n] = (written.IsSuccess ? written.Value : null, written.Error);
            if (written.IsSuccess && sender.PreferredLanguage is null && !string.IsNullOrEmpty(message.Language) && message.LanguageIsEvidence)
            {
                await customers.LearnLanguageAsync(sender.Id, message.Language, ct);
            }
        }

        var entries = SetAsideSearchEntries();
        await db.SaveWholeAsync(ct);
        await InsertSearchEntriesAsync(entries, ct);
        db.ChangeTracker.Clear();
        return staged.Select((s, n) => s is not { } written ? (Result<InboundLanded>?)null
            : written.Error is { } error ? error
            : new InboundLanded(written.Message!.CaseId, written.Message.Id, messages[n].Sender.Id, NewCase: false, NewCustomer: false)).ToList();
    }

    /// <summary>
    /// The open case a message continues: the first candidate (followed through merges) that is this customer's and
    /// not closed. Only a case of this same person: a stranger quoting a case gets a case of their own.
    /// </summary>
    public async Task<long?> OpenCaseOfAsync(Guid customerId, IReadOnlyList<long> candidates, CancellationToken ct)
    {
        foreach (var id in candidates.Distinct())
        {
            var @case = await db.Set<Case>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            for (var hops = 0; @case?.MergedIntoId is { } into && hops < 5; hops++)
            {
                @case = await db.Set<Case>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == into, ct);
            }

            if (@case is not null && @case.CustomerId == customerId && @case.Status != CaseStatus.Closed)
            {
                return @case.Id;
            }
        }

        return null;
    }

    private async Task<Result<InboundLanded>> WriteAsync(CustomerRef sender, long caseId, InboundMessage message, bool newCustomer, CancellationToken ct)
    {
        var written = await conversation.CustomerWritesAsync(Person(sender), caseId, Words(message), ct);
        return written.IsSuccess ? new InboundLanded(caseId, written.Value, sender.Id, NewCase: false, newCustomer) : written.Error!;
    }

    private static Actor Person(CustomerRef sender) => new(ActorKind.Customer, sender.Id.ToString(), sender.DisplayName);

    /// <summary>A guessed language is left for the conversation to read again, with the case's language as the prior.</summary>
    private static CustomerMessageRequest Words(InboundMessage message) =>
        new(message.Body, message.Channel, string.IsNullOrEmpty(message.Language) || !message.LanguageIsEvidence ? null : message.Language);

    /// <summary>The first line of the message, cut at a word near 80 characters.</summary>
    private static string SubjectFrom(string body)
    {
        var line = body.Trim().Split('\n', 2)[0].Trim();
        if (line.Length <= 80)
        {
            return line;
        }

        var cut = line.LastIndexOf(' ', 80);
        return string.Concat(line.AsSpan(0, cut > 40 ? cut : 80), "…");
    }

    /// <summary>At most <paramref name="max"/> characters (an ellipsis when cut), never half of a surrogate pair (PostgreSQL refuses those).</summary>
    private static string Cut(string value, int max) =>
        value.Length <= max ? value : value[..(char.IsHighSurrogate(value[max - 2]) ? max - 2 : max - 1)] + "…";

    /// <summary>
    /// On PostgreSQL, the batch's search entries, taken out of the save: EF Core writes one statement a row, and the
    /// entries' statements took 10.5 ms of a batch of about 140 messages (75 µs each), a quarter of the writer's time.
    /// <see cref="InsertSearchEntriesAsync"/> writes them in one statement once their messages have ids: batch ingest
    /// went from about 1,950 to 2,250 messages a second. On SQLite a statement costs no round trip and the save keeps them.
    /// </summary>
    private List<SearchEntry> SetAsideSearchEntries()
    {
        if (!db.Database.IsNpgsql())
        {
            return [];
        }

        var entries = db.ChangeTracker.Entries<SearchEntry>().Where(e => e.State == EntityState.Added).ToList();
        foreach (var entry in entries)
        {
            entry.State = EntityState.Detached;
        }

        return entries.Select(e => e.Entity).ToList();
    }

    /// <summary>The entries set aside, in one statement, in the batch's transaction: a message is never saved without its entry.</summary>
    private async Task InsertSearchEntriesAsync(List<SearchEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var ids = entries.Select(e => e.Message?.Id ?? e.MessageId).ToArray();
        var cases = entries.Select(e => e.CaseId).ToArray();
        var terms = entries.Select(e => e.Terms).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO search_entries (\"MessageId\", \"CaseId\", \"Terms\") SELECT * FROM unnest({ids}, {cases}, {terms})", ct);
    }
}
