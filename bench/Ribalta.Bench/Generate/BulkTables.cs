namespace Ribalta.Bench.Generate;

/// <summary>
/// A table the generator fills, with an explicit column list: columns added to the schema later (all nullable or
/// defaulted) are left to their defaults instead of breaking the load. Names are those of the EF model
/// (the migrations' snapshots); values are encoded per provider by <see cref="TableWriter"/>.
/// </summary>
internal sealed record BulkTable(string Name, string[] Columns)
{
    public static readonly BulkTable Organisations = new("organisations", ["Id", "Name", "NormalizedName"]);

    public static readonly BulkTable Customers = new("customers",
        ["Id", "DisplayName", "PreferredLanguage", "Relationship", "OrganisationId", "Notes", "ConsentEmail", "ConsentPhone", "ConsentSurveys", "ConsentMarketing", "CreatedAt", "UpdatedAt", "MergedIntoId", "Version"]);

    public static readonly BulkTable ContactPoints = new("customer_contact_points", ["Id", "CustomerId", "Kind", "Value", "NormalizedValue"]);

    public static readonly BulkTable CustomerSegments = new("customer_segments", ["CustomerId", "SegmentId"]);

    public static readonly BulkTable CustomerSearchTerms = new("customer_search_terms", ["CustomerId", "Term"]);

    public static readonly BulkTable Cases = new("cases",
        ["Id", "CustomerId", "Subject", "Status", "Priority", "Channel", "Language", "AssigneeId", "DepartmentId", "CreatedAt", "UpdatedAt", "FirstRespondedAt", "SolvedAt", "Version", "MergedIntoId"]);

    public static readonly BulkTable CaseTags = new("case_tags", ["CaseId", "Tag"]);

    public static readonly BulkTable Messages = new("messages",
        ["Id", "CaseId", "Kind", "Channel", "Language", "AuthorKind", "AuthorId", "AuthorName", "Body", "CreatedAt", "CallDirection", "CallSeconds"]);

    public static readonly BulkTable SearchEntries = new("search_entries", ["MessageId", "CaseId", "Terms"]);

    public static readonly BulkTable Events = new("events",
        ["Id", "OccurredAt", "Type", "ActorKind", "ActorId", "ActorName", "SubjectType", "SubjectId", "CustomerId", "Payload"]);

    /// <summary>Parents before children, the order rows are loaded and counted in.</summary>
    public static readonly BulkTable[] All = [Organisations, Customers, ContactPoints, CustomerSegments, CustomerSearchTerms, Cases, CaseTags, Messages, SearchEntries, Events];

    public string QuotedColumns => string.Join(", ", Columns.Select(c => $"\"{c}\""));
}

/// <summary>
/// Writes rows of one table, one value per column in the order of <see cref="BulkTable.Columns"/>:
/// <c>writer.Row().Long(id).Text(name)...End()</c>. Checks that every row has exactly one value per column.
/// </summary>
internal abstract class TableWriter(BulkTable table)
{
    private int _column = -1;

    public BulkTable Table => table;

    public long Rows { get; private set; }

    public TableWriter Row()
    {
        if (_column != -1)
        {
            throw new InvalidOperationException($"{table.Name}: row not ended");
        }

        _column = 0;
        StartRow();
        return this;
    }

    public TableWriter Long(long value)
    {
        WriteLong(Advance(), value);
        return this;
    }

    public TableWriter Long(long? value) => value is { } v ? Long(v) : Null();

    public TableWriter Int(int value)
    {
        WriteInt(Advance(), value);
        return this;
    }

    public TableWriter Int(int? value) => value is { } v ? Int(v) : Null();

    public TableWriter Bool(bool value)
    {
        WriteBool(Advance(), value);
        return this;
    }

    public TableWriter Text(string? value)
    {
        if (value is null)
        {
            return Null();
        }

        WriteText(Advance(), value);
        return this;
    }

    public TableWriter Guid(Guid value)
    {
        WriteGuid(Advance(), value);
        return this;
    }

    public TableWriter Guid(Guid? value) => value is { } v ? Guid(v) : Null();

    public TableWriter Time(DateTimeOffset value)
    {
        WriteTime(Advance(), value);
        return this;
    }

    public TableWriter Time(DateTimeOffset? value) => value is { } v ? Time(v) : Null();

    public void End()
    {
        if (_column != table.Columns.Length)
        {
            throw new InvalidOperationException($"{table.Name}: {_column} values for {table.Columns.Length} columns");
        }

        EndRow();
        _column = -1;
        Rows++;
    }

    protected abstract void StartRow();

    protected abstract void EndRow();

    protected abstract void WriteNull(int column);

    protected abstract void WriteLong(int column, long value);

    protected abstract void WriteInt(int column, int value);

    protected abstract void WriteBool(int column, bool value);

    protected abstract void WriteText(int column, string value);

    protected abstract void WriteGuid(int column, Guid value);

    protected abstract void WriteTime(int column, DateTimeOffset value);

    private TableWriter Null()
    {
        WriteNull(Advance());
        return this;
    }

    private int Advance()
    {
        if (_column < 0 || _column >= table.Columns.Length)
        {
            throw new InvalidOperationException($"{table.Name}: value outside a row or past the last column");
        }

        return _column++;
    }
}

/// <summary>A provider's fast path into the tables: prepare (set indexes and triggers aside), write, finish (rebuild them).</summary>
internal interface IBulkLoader : IAsyncDisposable
{
    /// <summary>Captures the schema as the migrations left it and sets aside what slows loading down.</summary>
    Task PrepareAsync(Progress progress);

    TableWriter this[BulkTable table] { get; }

    /// <summary>Puts back every index, trigger and constraint, rebuilds the full-text index, and checks the schema equals what the migrations made.</summary>
    Task FinishAsync(Progress progress);

    Task<long> CountAsync(BulkTable table);
}
