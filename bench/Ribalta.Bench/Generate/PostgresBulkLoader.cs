using Npgsql;
using NpgsqlTypes;

namespace Ribalta.Bench.Generate;

/// <summary>
/// Loads PostgreSQL with binary COPY, one connection and one COPY stream per table, all open at once so rows can
/// be written in time order across tables. Secondary indexes (the GIN full-text index among them) and foreign keys
/// of the loaded tables are set aside and put back afterwards from their own definitions in the catalogue, identity
/// sequences are moved past the loaded ids, and the tables are vacuumed and analysed as autovacuum would.
/// </summary>
internal sealed class PostgresBulkLoader(string connectionString) : IBulkLoader
{
    private const string SchemaQuery = """
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
               || ' null=' || is_nullable || ' generated=' || is_generated || ' identity=' || is_identity || coalesce(' collation=' || collation_name, '')
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL
        SELECT 'index ' || tablename || '.' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
        SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid)
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL
        SELECT 'trigger ' || tgrelid::regclass::text || '.' || tgname || ': ' || pg_get_triggerdef(oid)
          FROM pg_trigger WHERE NOT tgisinternal
        ORDER BY 1
        """;

    private readonly Dictionary<BulkTable, Writer> _writers = [];
    private readonly List<(string Name, string Create)> _indexes = [];
    private readonly List<(string Table, string Name, string Definition)> _foreignKeys = [];
    private IReadOnlyList<string> _schemaBefore = [];

    public TableWriter this[BulkTable table] => _writers[table];

    public async Task PrepareAsync(Progress progress)
    {
        await using var connection = await OpenAsync();
        _schemaBefore = await ListAsync(connection, SchemaQuery);
        var tables = BulkTable.All.Select(t => t.Name).ToArray();

        // Indexes that back no constraint (primary keys stay: they are filled in order and cheap to keep).
        await using (var command = new NpgsqlCommand("""
            SELECT indexname, indexdef FROM pg_indexes i
             WHERE schemaname = 'public' AND tablename = ANY(@tables)
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
             ORDER BY tablename, indexname
            """, connection))
        {
            command.Parameters.AddWithValue("tables", tables);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                _indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        await using (var command = new NpgsqlCommand("""
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
             WHERE contype = 'f' AND conrelid::regclass::text = ANY(@tables) ORDER BY 1, 2
            """, connection))
        {
            command.Parameters.AddWithValue("tables", tables);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                _foreignKeys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (table, name, _) in _foreignKeys)
        {
            await ExecuteAsync(connection, $"ALTER TABLE \"{table}\" DROP CONSTRAINT \"{name}\"");
        }

        foreach (var (name, _) in _indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX \"{name}\"");
        }

        // The inbox counts' row triggers would update a handful of rows a million times in one transaction (each update
        // a new row version to step over); they are off during the load and the counts are made once at the end.
        await ExecuteAsync(connection, "ALTER TABLE cases DISABLE TRIGGER case_counts_insert_delete");
        await ExecuteAsync(connection, "ALTER TABLE cases DISABLE TRIGGER case_counts_update");
        progress.Step($"set aside {_indexes.Count} indexes, {_foreignKeys.Count} foreign keys and the inbox-count triggers");
        foreach (var table in BulkTable.All)
        {
            var copy = await OpenAsync();
            await ExecuteAsync(copy, "SET synchronous_commit = off");
            var importer = await copy.BeginBinaryImportAsync($"COPY \"{table.Name}\" ({table.QuotedColumns}) FROM STDIN (FORMAT BINARY)");
            _writers[table] = new Writer(table, copy, importer);
        }
    }

    public async Task FinishAsync(Progress progress)
    {
        foreach (var writer in _writers.Values)
        {
            progress.Step($"completing COPY into {writer.Table.Name}");
            await writer.CompleteAsync();
        }

        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, "SET maintenance_work_mem = '1GB'");
        foreach (var (name, create) in _indexes)
        {
            progress.Step($"creating index {name}");
            await ExecuteAsync(connection, create);
        }

        foreach (var (table, name, definition) in _foreignKeys)
        {
            progress.Step($"adding and checking foreign key {name}");
            await ExecuteAsync(connection, $"ALTER TABLE \"{table}\" ADD CONSTRAINT \"{name}\" {definition}");
        }

        progress.Step("counting cases per status, owner and department");
        await ExecuteAsync(connection, "ALTER TABLE cases ENABLE TRIGGER case_counts_insert_delete");
        await ExecuteAsync(connection, "ALTER TABLE cases ENABLE TRIGGER case_counts_update");
        await ExecuteAsync(connection, """
            DELETE FROM case_counts;
            INSERT INTO case_counts ("Status", "AssigneeKey", "DepartmentKey", "Count")
            SELECT "Status", COALESCE("AssigneeId", '00000000-0000-0000-0000-000000000000'::uuid), COALESCE("DepartmentId", '00000000-0000-0000-0000-000000000000'::uuid), COUNT(*)
            FROM cases GROUP BY 1, 2, 3
            """);

        // COPY with explicit ids does not move identity sequences; the application's next insert must not collide.
        foreach (var table in new[] { BulkTable.Cases, BulkTable.Messages, BulkTable.Events })
        {
            await ExecuteAsync(connection, $"SELECT setval(pg_get_serial_sequence('\"{table.Name}\"', 'Id'), (SELECT max(\"Id\") FROM \"{table.Name}\"))");
        }

        foreach (var table in BulkTable.All)
        {
            progress.Step($"vacuum and analyse {table.Name}");
            await ExecuteAsync(connection, $"VACUUM (ANALYZE) \"{table.Name}\"");
        }

        var after = await ListAsync(connection, SchemaQuery);
        if (!after.SequenceEqual(_schemaBefore))
        {
            throw new InvalidOperationException("Schema after loading differs from the migrations':\n  "
                + string.Join("\n  ", after.Except(_schemaBefore).Select(s => "+ " + s).Concat(_schemaBefore.Except(after).Select(s => "- " + s))));
        }

        progress.Step($"schema identical to the migrations' ({after.Count} columns, indexes, constraints and triggers)");
    }

    public async Task<long> CountAsync(BulkTable table)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{table.Name}\"", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values)
        {
            await writer.DisposeAsync();
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private sealed class Writer(BulkTable table, NpgsqlConnection connection, NpgsqlBinaryImporter importer) : TableWriter(table), IAsyncDisposable
    {
        private bool _completed;

        public async Task CompleteAsync()
        {
            await importer.CompleteAsync();
            _completed = true;
            await importer.DisposeAsync();
            await connection.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_completed)
            {
                await importer.DisposeAsync();
                await connection.DisposeAsync();
            }
        }

        protected override void StartRow() => importer.StartRow();

        protected override void EndRow()
        {
        }

        protected override void WriteNull(int column) => importer.WriteNull();

        protected override void WriteLong(int column, long value) => importer.Write(value, NpgsqlDbType.Bigint);

        protected override void WriteInt(int column, int value) => importer.Write(value, NpgsqlDbType.Integer);

        protected override void WriteBool(int column, bool value) => importer.Write(value, NpgsqlDbType.Boolean);

        protected override void WriteText(int column, string value) => importer.Write(value, NpgsqlDbType.Text);

        protected override void WriteGuid(int column, Guid value) => importer.Write(value, NpgsqlDbType.Uuid);

        // timestamp with time zone takes UTC; every generated time is UTC.
        protected override void WriteTime(int column, DateTimeOffset value) => importer.Write(value, NpgsqlDbType.TimestampTz);
    }
}
