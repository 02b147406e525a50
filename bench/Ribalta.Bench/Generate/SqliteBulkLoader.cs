using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Ribalta.Bench.Generate;

/// <summary>
/// Loads SQLite with prepared INSERTs reused inside large transactions, with synchronous=OFF while loading.
/// The generator gathers rows into chunks and one writing thread executes them, so the two cores generate and
/// write at the same time. The secondary indexes of the loaded tables and the trigger that feeds the FTS5 index
/// are set aside and put back afterwards from their own SQL (taken from sqlite_master, so they are exactly what the
/// migrations created); the FTS5 index is then rebuilt in one pass from its content table.
/// </summary>
internal sealed class SqliteBulkLoader : IBulkLoader
{
    private const int RowsPerChunk = 2_000;
    private const int RowsPerTransaction = 500_000;

    // SqliteRibaltaDbContext stores DateTimeOffset with this converter; using it here keeps the encoding identical.
    private static readonly Func<DateTimeOffset, long> Ticks = new DateTimeOffsetToBinaryConverter().ConvertToProviderExpression.Compile();

    private readonly SqliteConnection _connection;
    private readonly Dictionary<BulkTable, Writer> _writers = [];
    private readonly List<(string Kind, string Name, string Sql)> _setAside = [];
    private readonly BlockingCollection<Chunk> _queue = new(boundedCapacity: 64);
    private readonly ConcurrentDictionary<BulkTable, ConcurrentBag<object?[]>> _spare = [];
    private readonly CancellationTokenSource _failed = new();
    private IReadOnlyList<string> _schemaBefore = [];
    private Task? _writing;

    public SqliteBulkLoader(string connectionString)
    {
        // Foreign keys are off for this connection only: rows arrive parents first and are checked afterwards.
        var builder = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = false, Pooling = false };
        _connection = new SqliteConnection(builder.ConnectionString);
        _connection.Open();
    }

    public TableWriter this[BulkTable table] => _writers[table];

    public Task PrepareAsync(Progress progress)
    {
        _schemaBefore = Schema();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576; PRAGMA threads=2;");

        var tables = BulkTable.All.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE (type = 'index' AND sql IS NOT NULL) OR (type = 'trigger' AND (name = 'search_entries_ai' OR name IN ('case_counts_insert', 'case_counts_delete', 'case_counts_update'))) ORDER BY name";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (tables.Contains(reader.GetString(2)))
                {
                    _setAside.Add((reader.GetString(0), reader.GetString(1), reader.GetString(3)));
                }
            }
        }

        foreach (var (kind, name, _) in _setAside)
        {
            Execute($"DROP {kind.ToUpperInvariant()} \"{name}\";");
        }

        progress.Step($"set aside {_setAside.Count(s => s.Kind == "index")} indexes and the FTS and inbox-count triggers");
        foreach (var table in BulkTable.All)
        {
            _writers[table] = new Writer(table, this);
        }

        _writing = Task.Factory.StartNew(WriteChunks, TaskCreationOptions.LongRunning);
        return Task.CompletedTask;
    }

    public async Task FinishAsync(Progress progress)
    {
        foreach (var writer in _writers.Values)
        {
            writer.Send();
        }

        _queue.CompleteAdding();
        await _writing!;

        foreach (var (kind, name, sql) in _setAside)
        {
            progress.Step($"creating {kind} {name}");
            Execute(sql + ";");
        }

        progress.Step("rebuilding the FTS5 index from search_entries");
        Execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild');");

        // The inbox counts' triggers were set aside with the rest: count the loaded cases once.
        progress.Step("counting cases per status, owner and department");
        Execute("""
            DELETE FROM case_counts;
            INSERT INTO case_counts (Status, AssigneeKey, DepartmentKey, Count)
            SELECT Status, COALESCE(AssigneeId, '00000000-0000-0000-0000-000000000000'), COALESCE(DepartmentId, '00000000-0000-0000-0000-000000000000'), COUNT(*)
            FROM cases GROUP BY 1, 2, 3;
            """);
        Execute("PRAGMA synchronous=NORMAL; PRAGMA wal_checkpoint(TRUNCATE);");

        var after = Schema();
        if (!after.SequenceEqual(_schemaBefore))
        {
            throw new InvalidOperationException("Schema after loading differs from the migrations':\n  "
                + string.Join("\n  ", after.Except(_schemaBefore).Select(s => "+ " + s).Concat(_schemaBefore.Except(after).Select(s => "- " + s))));
        }

        progress.Step($"schema identical to the migrations' ({after.Count} objects in sqlite_master)");
    }

    public Task<long> CountAsync(BulkTable table)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table.Name}\"";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    /// <summary>Rows that point at a missing parent, over the whole database (foreign keys were off while loading).</summary>
    public long ForeignKeyViolations()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_key_check;";
        using var reader = command.ExecuteReader();
        long violations = 0;
        while (reader.Read())
        {
            violations++;
        }

        return violations;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.CompleteAdding();
        if (_writing is not null)
        {
            await _writing.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _queue.Dispose();
        _failed.Dispose();
        await _connection.DisposeAsync();
    }

    private object?[] NewChunk(BulkTable table) =>
        _spare.GetOrAdd(table, _ => []).TryTake(out var chunk) ? chunk : new object?[RowsPerChunk * table.Columns.Length];

    private void Enqueue(Chunk chunk)
    {
        try
        {
            _queue.Add(chunk, _failed.Token);
        }
        catch (OperationCanceledException)
        {
            // The writing thread stopped; its exception is what matters.
            _writing!.GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>The writing thread: every chunk through its table's prepared INSERT, committing every few hundred thousand rows.</summary>
    private void WriteChunks()
    {
        try
        {
            var inserts = BulkTable.All.ToDictionary(t => t, t => new Insert(t, _connection));
            long rows = 0;
            Execute("BEGIN;");
            foreach (var chunk in _queue.GetConsumingEnumerable())
            {
                inserts[chunk.Table].Execute(chunk.Values, chunk.Rows);
                _spare.GetOrAdd(chunk.Table, _ => []).Add(chunk.Values);
                rows += chunk.Rows;
                if (rows >= RowsPerTransaction)
                {
                    Execute("COMMIT; BEGIN;");
                    rows = 0;
                }
            }

            Execute("COMMIT;");
            foreach (var insert in inserts.Values)
            {
                insert.Dispose();
            }
        }
        catch
        {
            _failed.Cancel();
            throw;
        }
    }

    /// <summary>Every object in the schema with its SQL; root pages differ after a rebuild and are left out.</summary>
    private List<string> Schema()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name";
        using var reader = command.ExecuteReader();
        var objects = new List<string>();
        while (reader.Read())
        {
            objects.Add($"{reader.GetString(0)} {reader.GetString(1)} on {reader.GetString(2)}: {(reader.IsDBNull(3) ? "(implicit)" : reader.GetString(3))}");
        }

        return objects;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    /// <summary>The generator's side of a table: values gathered into chunks of rows for the writing thread.</summary>
    private sealed class Writer(BulkTable table, SqliteBulkLoader loader) : TableWriter(table)
    {
        private object?[] _chunk = loader.NewChunk(table);
        private int _position;

        /// <summary>Hands over the rows gathered so far.</summary>
        public void Send()
        {
            if (_position > 0)
            {
                loader.Enqueue(new Chunk(Table, _chunk, _position / Table.Columns.Length));
                _chunk = loader.NewChunk(Table);
                _position = 0;
            }
        }

        protected override void StartRow()
        {
        }

        protected override void EndRow()
        {
            if (_position == _chunk.Length)
            {
                Send();
            }
        }

        protected override void WriteNull(int column) => _chunk[_position++] = null;

        protected override void WriteLong(int column, long value) => _chunk[_position++] = value;

        protected override void WriteInt(int column, int value) => _chunk[_position++] = (long)value;

        protected override void WriteBool(int column, bool value) => _chunk[_position++] = value ? 1L : 0L;

        protected override void WriteText(int column, string value) => _chunk[_position++] = value;

        // EF Core's SQLite provider stores a Guid as upper-case text in the 8-4-4-4-12 form.
        protected override void WriteGuid(int column, Guid value) => _chunk[_position++] = value.ToString("D").ToUpperInvariant();

        protected override void WriteTime(int column, DateTimeOffset value) => _chunk[_position++] = Ticks(value);
    }

    private sealed record Chunk(BulkTable Table, object?[] Values, int Rows);

    /// <summary>One prepared INSERT per table, its parameters set from a chunk row by row.</summary>
    private sealed class Insert : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter[] _values;

        public Insert(BulkTable table, SqliteConnection connection)
        {
            _command = connection.CreateCommand();
            _command.CommandText = $"INSERT INTO \"{table.Name}\" ({table.QuotedColumns}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
            _values = table.Columns.Select((_, i) => _command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null))).ToArray();
            _command.Prepare();
        }

        public void Execute(object?[] chunk, int rows)
        {
            var position = 0;
            for (var row = 0; row < rows; row++)
            {
                foreach (var value in _values)
                {
                    value.Value = chunk[position++] ?? DBNull.Value;
                }

                _command.ExecuteNonQuery();
            }
        }

        public void Dispose() => _command.Dispose();
    }
}
