using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Contracts.Events;
using Ribalta.Customers.Domain;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Text;

namespace Ribalta.Customers.ImportCustomers;

public sealed record ImportRowError(int Row, string Field, string MessageKey, object[] Args);

/// <summary>What an import did. <see cref="Imported"/> is zero whenever the file was refused.</summary>
public sealed record ImportReport(int Rows, int Imported, int Skipped, IReadOnlyList<ImportRowError> Errors, string? FileError = null, object[]? FileErrorArgs = null)
{
    public bool Succeeded => FileError is null && (Errors.Count == 0 || Imported > 0 || Rows == Skipped);
}

/// <summary>
/// Imports customers from a CSV file (UTF-8, comma or semicolon). The whole file is checked before anything is
/// written; by default one bad row refuses the file, so nothing is ever half-imported. With
/// <c>skipInvalidRows</c> the valid rows go in together and the bad ones are reported.
/// </summary>
internal sealed class CustomerImport(RibaltaDbContext db, CustomerInputRules rules, TimeProvider clock)
{
    public const int MaxRows = 50_000;
    public const long MaxBytes = 10 * 1024 * 1024;

    public static readonly IReadOnlyList<string> Columns = ["name", "email", "phone", "language", "relationship", "organisation", "segments", "notes"];

    private const int BatchSize = 500;

    public async Task<ImportReport> RunAsync(Actor actor, Stream csv, bool skipInvalidRows, IProgress<int>? progress, CancellationToken ct)
    {
        byte[] utf8;
        try
        {
            utf8 = await ReadStrictUtf8Async(csv, ct);
        }
        catch (DecoderFallbackException)
        {
            return Refused("Import.NotUtf8");
        }
        catch (InvalidDataException)
        {
            return Refused("Import.TooLarge", MaxBytes / 1024 / 1024);
        }

        var parsed = Parse(utf8);
        if (parsed.FileError is not null)
        {
            return parsed.FileError;
        }

        var rows = parsed.Rows;
        var errors = new List<ImportRowError>();
        var segments = await db.Set<Segment>().AsNoTracking().ToDictionaryAsync(s => s.NormalizedName, s => s.Id, ct);
        var inputs = new List<(int Row, CustomerInput Input)>();
        var seenInFile = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var (rowNumber, fields) in rows)
        {
            var rowErrors = new List<ImportRowError>();
            var input = ToInput(rowNumber, fields, segments, rowErrors);
            foreach (var error in CustomerInputRules.ValidateShape(input).ToError()?.Fields ?? [])
            {
                rowErrors.Add(new ImportRowError(rowNumber, ColumnFor(error.Field), error.MessageKey, error.Args));
            }

            foreach (var (kind, value) in input.ContactPoints().Where(c => c.Kind == ContactKind.Email))
            {
                var key = ContactPoint.Normalize(kind, value);
                if (!seenInFile.TryAdd(key, rowNumber))
                {
                    rowErrors.Add(new ImportRowError(rowNumber, "email", "Import.DuplicateInFile", [value, seenInFile[key]]));
                }
            }

            errors.AddRange(rowErrors);
            if (rowErrors.Count == 0)
            {
                inputs.Add((rowNumber, input));
            }
        }

        // Emails already on file belong to someone: never overwrite a person from a spreadsheet.
        var emails = inputs.SelectMany(i => i.Input.Emails ?? []).Select(e => ContactPoint.Normalize(ContactKind.Email, e)).ToList();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in emails.Chunk(500))
        {
            var found = await db.Set<ContactPoint>().AsNoTracking().Where(p => p.Kind == ContactKind.Email && chunk.Contains(p.NormalizedValue)).Select(p => p.NormalizedValue).ToListAsync(ct);
            taken.UnionWith(found);
        }

        foreach (var (row, input) in inputs.ToList())
        {
            var clash = (input.Emails ?? []).FirstOrDefault(e => taken.Contains(ContactPoint.Normalize(ContactKind.Email, e)));
            if (clash is not null)
            {
                errors.Add(new ImportRowError(row, "email", "Import.EmailExists", [clash]));
                inputs.RemoveAll(i => i.Row == row);
            }
        }

        errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        if (errors.Count > 0 && !skipInvalidRows)
        {
            return new ImportReport(rows.Count, 0, rows.Count, errors);
        }

        var imported = await WriteAsync(actor, inputs, progress, ct);
        return new ImportReport(rows.Count, imported, rows.Count - imported, errors);
    }

    private async Task<int> WriteAsync(Actor actor, List<(int Row, CustomerInput Input)> inputs, IProgress<int>? progress, CancellationToken ct)
    {
        if (inputs.Count == 0)
        {
            return 0;
        }

        var previousDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            var done = 0;
            foreach (var batch in inputs.Chunk(BatchSize))
            {
                foreach (var (_, input) in batch)
                {
                    var customer = new Customer { DisplayName = input.DisplayName!.Trim(), CreatedAt = now, UpdatedAt = now };
                    await rules.ApplyAsync(customer, input, ct);
                    db.Add(customer);
                    db.Append(clock, actor, new CustomerCreated(customer.DisplayName, customer.PreferredLanguage, customer.Relationship, null, Source: "import"), "customer", customer.Id.ToString(), customer.Id);
                }

                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                done += batch.Length;
                progress?.Report(done);
            }

            db.Append(clock, actor, new CustomersImported(done), "customer_import", Guid.CreateVersion7().ToString());
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return done;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = previousDetect;
        }
    }

    private static CustomerInput ToInput(int row, IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, Guid> segments, List<ImportRowError> errors)
    {
        string? Get(string column) => fields.TryGetValue(column, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        RelationshipType? relationship = null;
        if (Get("relationship") is { } rel)
        {
            var key = TextFolding.Fold(rel).Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            var match = Enum.GetValues<RelationshipType>().Where(r => string.Equals(r.ToString(), key, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count == 1)
            {
                relationship = match[0];
            }
            else
            {
                errors.Add(new ImportRowError(row, "relationship", "Import.RelationshipUnknown", [rel]));
            }
        }

        var segmentIds = new List<Guid>();
        foreach (var name in (Get("segments") ?? "").Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (segments.TryGetValue(TextFolding.Fold(name), out var id))
            {
                segmentIds.Add(id);
            }
            else
            {
                errors.Add(new ImportRowError(row, "segments", "Import.SegmentUnknown", [name]));
            }
        }

        static IReadOnlyList<string> Many(string? value) =>
            value is null ? [] : value.Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        return new CustomerInput(
            Get("name"),
            Get("language")?.ToLowerInvariant(),
            relationship,
            Get("organisation"),
            Many(Get("email")),
            Many(Get("phone")),
            [],
            segmentIds,
            Get("notes"),
            null);
    }

    private static string ColumnFor(string field) => field switch
    {
        "displayName" => "name",
        "emails" => "email",
        "phones" => "phone",
        "preferredLanguage" => "language",
        _ => field,
    };

    private static (List<(int Row, IReadOnlyDictionary<string, string> Fields)> Rows, ImportReport? FileError) Parse(byte[] utf8)
    {
        var rows = new List<(int, IReadOnlyDictionary<string, string>)>();

        // Separator detected among , ; tab and | (Italian and Spanish spreadsheets save with ;). Bad quoting refuses the file.
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            MaxRecordSize = 1024 * 1024,
        };

        try
        {
            using var reader = CsvReader.Create(utf8, options);
            var columns = reader.Headers.Select(h => h.Trim().ToLowerInvariant()).ToArray();
            if (columns.Length == 0 || columns.All(c => c.Length == 0))
            {
                return (rows, Refused("Import.Empty"));
            }

            if (columns.FirstOrDefault(c => !Columns.Contains(c)) is { } unknown)
            {
                return (rows, Refused("Import.UnknownColumn", unknown, string.Join(", ", Columns)));
            }

            if (!columns.Contains("name"))
            {
                return (rows, Refused("Import.MissingColumn", "name"));
            }

            if (columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                return (rows, Refused("Import.RepeatedColumn", repeated.Key));
            }

            while (reader.Read())
            {
                if (rows.Count >= MaxRows)
                {
                    return (rows, Refused("Import.TooManyRows", MaxRows));
                }

                var record = reader.Current;
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var i = 0; i < columns.Length; i++)
                {
                    fields[columns[i]] = i < record.FieldCount ? record.GetString(i) ?? "" : "";
                }

                // Row numbers as a spreadsheet shows them: the header is row 1.
                rows.Add(((int)record.RowNumber + 1, fields));
            }
        }
        catch (CsvFormatException)
        {
            return (rows, Refused("Import.Malformed"));
        }

        return rows.Count == 0 ? (rows, Refused("Import.Empty")) : (rows, null);
    }

    /// <summary>Reads the upload within the size limit and proves it is UTF-8; the CSV reader then parses the bytes in place.</summary>
    private static async Task<byte[]> ReadStrictUtf8Async(Stream stream, CancellationToken ct)
    {
        var bytes = await Platform.Storage.BoundedRead.ReadAsync(stream, MaxBytes, ct) ?? throw new InvalidDataException();
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes, start, bytes.Length - start);
        return start == 0 ? bytes : bytes[start..];
    }

    private static ImportReport Refused(string key, params object[] args) => new(0, 0, 0, [], key, args);
}
