using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Ribalta.Platform.Data;

namespace Ribalta.Platform.Projections;

/// <summary>
/// Writes many rows of one entity type in the caller's transaction without the change tracker: a projection catching
/// up writes millions, and the tracker's per-entity work would set its pace. Columns, keys and value conversions come
/// from the model (each property's type mapping makes its parameter), so the rows are stored exactly as EF Core would
/// store them. On PostgreSQL the statements go in batches of one round trip; SQLite, in process, runs one prepared
/// statement per row.
/// </summary>
public sealed class RowWriter<T>
    where T : class
{
    private const int BatchSize = 500;

    private readonly IProperty[] _keys;
    private readonly IProperty[] _values;
    private readonly string _insert;
    private readonly string _update;

    public RowWriter(RibaltaDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity of the model");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        _keys = [.. entity.FindPrimaryKey()!.Properties];
        _values = [.. entity.GetProperties().Where(p => !_keys.Contains(p))];
        string Column(IProperty p) => "\"" + p.GetColumnName(table) + "\"";
        var all = _keys.Concat(_values).ToArray();
        _insert = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", all.Select(Column))}) VALUES ({string.Join(", ", all.Select((_, i) => "@p" + i))})";
        _update = $"UPDATE \"{table.Name}\" SET {string.Join(", ", _values.Select((p, i) => $"{Column(p)} = @p{_keys.Length + i}"))} WHERE {string.Join(" AND ", _keys.Select((p, i) => $"{Column(p)} = @p{i}"))}";
    }

    /// <summary>Inserts <paramref name="added"/> and updates every column but the key of <paramref name="changed"/>.</summary>
    public async Task WriteAsync(RibaltaDbContext db, IReadOnlyCollection<T> added, IReadOnlyCollection<T> changed, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Rows are written inside the projection's transaction");
        await WriteAsync(connection, transaction, _insert, added, ct);
        await WriteAsync(connection, transaction, _update, changed, ct);
    }

    private async Task WriteAsync(DbConnection connection, DbTransaction transaction, string sql, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var columns = _keys.Concat(_values).ToArray();
        if (connection.CanCreateBatch)
        {
            // Parameters are made (and typed by EF Core's mappings) through a command; the batch only carries them.
            await using var factory = connection.CreateCommand();
            foreach (var chunk in rows.Chunk(BatchSize))
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var row in chunk)
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = sql;
                    for (var i = 0; i < columns.Length; i++)
                    {
                        command.Parameters.Add(Parameter(columns[i], "@p" + i, row, factory));
                    }

                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(ct);
            }

            return;
        }

        await using var single = connection.CreateCommand();
        single.Transaction = transaction;
        single.CommandText = sql;
        foreach (var row in rows)
        {
            single.Parameters.Clear();
            for (var i = 0; i < columns.Length; i++)
            {
                single.Parameters.Add(Parameter(columns[i], "@p" + i, row, single));
            }

            await single.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The property's value as EF Core would send it: its value converter applied, typed for its column.</summary>
    private static DbParameter Parameter(IProperty property, string name, T row, DbCommand factory) =>
        ((RelationalTypeMapping)property.GetTypeMapping()).CreateParameter(factory, name, property.GetGetter().GetClrValueUsingContainingEntity(row), property.IsNullable);
}
