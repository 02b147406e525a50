using System.Text;
using System.Text.Json;
using CsvHelper;
using Ribalta.Cases.Contracts;
using Ribalta.Channels.Ingest;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;

namespace Ribalta.Channels.Social;

/// <summary>
/// A public post about the company, as a listening tool exports it: <c>id</c> (the network's own id, so the same
/// post is never imported twice), <c>network</c>, the author's <c>handle</c> and <c>name</c>, the <c>text</c>, a
/// link to the post and, if known, its language.
/// </summary>
public sealed record SocialMention(string? Id, string? Network, string? Handle, string? Name, string? Text, string? Url = null, string? Language = null);

public sealed record SocialMentionBatch(IReadOnlyList<SocialMention>? Mentions);

/// <summary>What became of one mention: 201 with its case, or the status and reason it was refused.</summary>
public sealed record SocialMentionOutcome(int Row, string? Id, int Status, long? CaseId, bool AlreadyImported, string? Code);

/// <summary>What an import did; nothing is written when <see cref="Errors"/> is not empty.</summary>
public sealed record SocialImportReport(int Mentions, int Imported, int AlreadyImported, IReadOnlyList<SocialMentionOutcome> Outcomes, IReadOnlyList<FieldError> Errors);

/// <summary>
/// Brings public mentions to the front line: each becomes a social message from its author (found by handle, or a
/// new person), opening a case like any inbound message. The whole set is checked first: one malformed mention
/// refuses it all (nothing written). A large set is then written in several batches; importing it again is safe,
/// since mentions already imported (by file or by a listening tool's
/// webhook, under any key) are recognised by network and id and not written again.
/// </summary>
internal sealed class SocialMentions(IngestGateway gateway, RibaltaDbContext db)
{
    public const int MaxMentions = 5_000;

    public const long MaxBytes = 10 * 1024 * 1024;

    /// <summary>All importers share one idempotency scope: the same post is one message, whoever sends it.</summary>
    public const string IdempotencyScope = "social-mentions";

    public static readonly IReadOnlyList<string> CsvColumns = ["id", "network", "handle", "name", "text", "url", "language"];

    public async Task<SocialImportReport> ImportAsync(Actor actor, IReadOnlyList<SocialMention> mentions, CancellationToken ct)
    {
        var v = new ValidationBuilder();
        if (mentions.Count is 0 or > MaxMentions)
        {
            v.Add("mentions", "Validation.MentionCount", MaxMentions);
        }

        var requests = new List<(IngestMessageRequest Request, string? Key)>(mentions.Count);
        for (var i = 0; i < mentions.Count && i < MaxMentions; i++)
        {
            var prefix = $"mentions[{i}].";
            if (mentions[i] is not { } mention)
            {
                v.Add($"mentions[{i}]", "Validation.Required");
                requests.Add((new IngestMessageRequest(null, null), null));
                continue;
            }

            // Network and id make the idempotency key (at most 200 characters).
            v.Required(prefix + "id", mention.Id, 100).NoControlCharacters(prefix + "id", mention.Id)
                .Required(prefix + "handle", mention.Handle, 100)
                .MaxLength(prefix + "network", mention.Network, 50).NoControlCharacters(prefix + "network", mention.Network)
                .MaxLength(prefix + "url", mention.Url, 2000);
            if (string.IsNullOrWhiteSpace(mention.Text))
            {
                v.Add(prefix + "text", "Validation.Required");
            }

            if (mention.Url is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            {
                v.Add(prefix + "url", "Validation.Url");
            }

            var request = new IngestMessageRequest(
                new IngestSender(Handle: mention.Handle?.Trim(), Name: string.IsNullOrWhiteSpace(mention.Name) ? null : mention.Name.Trim()),
                string.IsNullOrWhiteSpace(mention.Url) ? mention.Text : $"{mention.Text?.Trim()}\n\n{mention.Url.Trim()}",
                Channel: Channel.Social,
                Language: string.IsNullOrWhiteSpace(mention.Language) ? null : mention.Language.Trim());
            foreach (var field in IngestProcessor.Validate(request)?.Fields ?? [])
            {
                v.Add(prefix + MentionField(field.Field), field.MessageKey, field.Args);
            }

            requests.Add((request, $"{(string.IsNullOrWhiteSpace(mention.Network) ? "social" : mention.Network.Trim().ToLowerInvariant())}:{mention.Id?.Trim()}"));
        }

        if (v.ToError() is { } invalid)
        {
            return new SocialImportReport(mentions.Count, 0, 0, [], invalid.Fields);
        }

        var outcomes = await gateway.SubmitAsync(actor, requests, ct, IdempotencyScope);

        // A post imported before with other details (a name added, a link missing) is still the same post: answered
        // with its first result rather than refused as a reused key.
        var reimported = await IdempotencyRecord.FindAsync(
            db, outcomes.Select((o, i) => (o, i)).Where(x => x.o.Result.Error?.MessageKey == "Error.IdempotencyMismatch").Select(x => (IdempotencyScope, requests[x.i].Key!)), ct);
        var rows = outcomes.Select((o, i) => o.Result.Error is { } error
            ? reimported.TryGetValue((IdempotencyScope, requests[i].Key!), out var first)
                ? new SocialMentionOutcome(i + 1, mentions[i].Id, StatusCodes.Status201Created, first.CaseId, true, null)
                : new SocialMentionOutcome(i + 1, mentions[i].Id, error.StatusCode(), null, false, error.MessageKey)
            : new SocialMentionOutcome(i + 1, mentions[i].Id, StatusCodes.Status201Created, o.Result.Value.CaseId, o.Replayed, null)).ToList();
        return new SocialImportReport(mentions.Count, rows.Count(r => r.Status == StatusCodes.Status201Created && !r.AlreadyImported), rows.Count(r => r.AlreadyImported), rows, []);
    }

    /// <summary>The mention's own name for a field of the message it becomes.</summary>
    private static string MentionField(string messageField) => messageField switch
    {
        "from" or "from.handle" => "handle",
        "from.name" => "name",
        "body" => "text",
        _ => messageField,
    };

    /// <summary>
    /// Reads a file of mentions: JSON (an array, or <c>{"mentions": [...]}</c>) or CSV with a header row
    /// (<see cref="CsvColumns"/>; comma or semicolon). Null with an error key when the file cannot be read.
    /// </summary>
    public static (IReadOnlyList<SocialMention>? Mentions, string? Error) Read(byte[] content)
    {
        if (content.Length == 0)
        {
            return (null, "Validation.FileEmpty");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return (null, "Import.NotUtf8");
        }

        var start = text.TrimStart();
        try
        {
            if (start.StartsWith('[') || start.StartsWith('{'))
            {
                var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
                var mentions = start.StartsWith('[')
                    ? JsonSerializer.Deserialize<List<SocialMention>>(start, json)
                    : JsonSerializer.Deserialize<SocialMentionBatch>(start, json)?.Mentions?.ToList();
                return mentions is null ? (null, "Validation.MentionFile") : (mentions, null);
            }

            // The CSV reader detects the separator (, ; tab |); bad quoting refuses the file.
            var options = new CsvReaderOptions { HasHeader = true, SkipEmptyLines = true, TrimWhitespace = true, MalformedData = CsvMalformedDataHandling.Throw, MaxRecordSize = 1024 * 1024 };
            using var reader = CsvReader.Create(Encoding.UTF8.GetBytes(text), options);
            var columns = reader.Headers.Select(h => h.Trim().ToLowerInvariant()).ToArray();
            if (!new[] { "id", "handle", "text" }.All(columns.Contains))
            {
                return (null, "Validation.MentionColumns");
            }

            var rows = new List<SocialMention>();
            while (reader.Read() && rows.Count <= MaxMentions)
            {
                var record = reader.Current;
                var values = new string?[CsvColumns.Count];
                for (var c = 0; c < CsvColumns.Count; c++)
                {
                    var at = Array.IndexOf(columns, CsvColumns[c]);
                    values[c] = at >= 0 && at < record.FieldCount && record.GetString(at) is { Length: > 0 } value ? value : null;
                }

                rows.Add(new SocialMention(values[0], values[1], values[2], values[3], values[4], values[5], values[6]));
            }

            return (rows, null);
        }
        catch (Exception ex) when (ex is JsonException or CsvFormatException)
        {
            return (null, "Validation.MentionFile");
        }
    }
}
