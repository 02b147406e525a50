using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Ribalta.Cases.Search;
using Ribalta.Platform.Text;

namespace Ribalta.Bench.Run;

/// <summary>
/// The SQL the measured endpoints run (as EF Core and MessageSearch generate it, parameters written in), with the
/// engine's plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL) and its time alone on a
/// warm cache: the evidence for why an operation meets or misses its budget.
/// </summary>
internal static class QueryPlans
{
    private static readonly string[] Statuses = ["New", "Open", "WaitingOnCustomer", "WaitingOnUs"];

    public static async Task<int> RunAsync(Options options)
    {
        var postgres = options.Get("provider", "Sqlite").Equals("Postgres", StringComparison.OrdinalIgnoreCase);
        var repeat = options.Int("repeat", 20);
        var longCase = options.Int("case", 500_000);
        await using DbConnection connection = postgres
            ? new NpgsqlConnection(options.Get("connection") ?? throw new ArgumentException("--connection is required for Postgres"))
            : new SqliteConnection($"Data Source={Path.Combine(Path.GetFullPath(options.Get("data-dir", "bench-data")), "ribalta.db")};Mode=ReadOnly");
        await connection.OpenAsync();

        // Alternatives to try: statements in a file, each after a "-- name" line.
        if (options.Get("sql") is { } file)
        {
            foreach (var statement in File.ReadAllText(file).Split("\n-- ", StringSplitOptions.RemoveEmptyEntries))
            {
                var lines = statement.TrimStart('-', ' ').Split('\n', 2);
                await ShowAsync(connection, postgres, repeat, lines[0].Trim(), lines[1].Trim().TrimEnd(';'));
            }

            return 0;
        }

        // Inbox: one query per active status, then the customers' names.
        foreach (var status in Statuses)
        {
            await ShowAsync(connection, postgres, repeat, $"inbox: status {status}", $"""
                SELECT c."Id", c."Subject", c."Status", c."Priority", c."Channel", c."CustomerId", c."AssigneeId",
                       (SELECT a."DisplayName" FROM "AspNetUsers" AS a WHERE a."Id" = c."AssigneeId" LIMIT 1), c."CreatedAt", c."UpdatedAt"
                  FROM cases AS c WHERE c."Status" = '{status}' ORDER BY c."UpdatedAt" DESC, c."Id" DESC LIMIT 51
                """);
        }

        var customers = await ListAsync(connection, """SELECT "CustomerId" FROM cases WHERE "Status" = 'Open' ORDER BY "UpdatedAt" DESC, "Id" DESC LIMIT 50""");
        await ShowAsync(connection, postgres, repeat, "inbox: customer names (50 ids)", $"""
            SELECT c."Id", c."DisplayName" FROM customers AS c WHERE c."Id" IN ({string.Join(", ", customers.Select(Literal))})
            """);

        // Case open: the case with its tags and owner, its customer, links, existence, 50 messages, their attachments.
        await ShowAsync(connection, postgres, repeat, "case: details with tags and owner", $"""
            SELECT c1."Id", c1."Subject", c1."Status", c0."Tag", c1.c
              FROM (SELECT c."Id", c."Subject", c."Status", (SELECT a."DisplayName" FROM "AspNetUsers" AS a WHERE a."Id" = c."AssigneeId" LIMIT 1) AS c
                      FROM cases AS c WHERE c."Id" = {longCase} LIMIT 1) AS c1
              LEFT JOIN case_tags AS c0 ON c1."Id" = c0."CaseId" ORDER BY c1."Id", c0."CaseId"
            """);
        await ShowAsync(connection, postgres, repeat, "case: links", $"""
            SELECT c."OtherCaseId" FROM case_links AS c WHERE c."CaseId" = {longCase}
            UNION ALL SELECT c0."CaseId" FROM case_links AS c0 WHERE c0."OtherCaseId" = {longCase}
            """);
        await ShowAsync(connection, postgres, repeat, "case: 50 messages", $"""
            SELECT m."Id", m."Kind", m."Channel", m."Language", m."AuthorName", m."Body", m."CreatedAt", m."CallDirection", m."CallSeconds"
              FROM messages AS m WHERE m."CaseId" = {longCase} ORDER BY m."Id" LIMIT 101
            """);
        var messageIds = await ListAsync(connection, $"""SELECT "Id" FROM messages WHERE "CaseId" = {longCase} ORDER BY "Id" LIMIT 50""");
        await ShowAsync(connection, postgres, repeat, "case: attachments of 50 messages", $"""
            SELECT a."Id", a."FileName" FROM attachments AS a WHERE a."MessageId" IN ({string.Join(", ", messageIds)}) ORDER BY a."Id"
            """);

        // Search: the full-text query exactly as MessageSearch builds it, then the people lookup it also runs. On
        // PostgreSQL that is one call of search_newest; its two statements can be tried apart with --sql.
        foreach (var text in LoadDriver.Queries)
        {
            var terms = SearchAnalyzer.QueryTerms(text);
            string sql;
            if (postgres)
            {
                var (plain, template) = PostgresMatches.Queries(MessageSearch.PostgresWords(terms));
                sql = $"""SELECT id FROM search_newest(CAST({Literal(plain)} AS tsquery), {Literal(template)}, {long.MaxValue}, 26, {PostgresMatches.NewestWindow}) AS id ORDER BY id DESC""";
            }
            else
            {
                sql = $"SELECT rowid FROM search_fts WHERE search_fts MATCH {Literal(MessageSearch.SqliteMatch(terms))} AND rowid < {long.MaxValue} ORDER BY rowid DESC LIMIT 26";
            }

            await ShowAsync(connection, postgres, repeat, $"search: messages '{text}'", sql);

            var customerTerm = TextFolding.Words(text).First();
            await ShowAsync(connection, postgres, repeat, $"search: people '{customerTerm}'", $"""
                SELECT c."Id", c."DisplayName" FROM customers AS c
                 WHERE c."MergedIntoId" IS NULL AND c."Id" IN (SELECT c0."CustomerId" FROM customer_search_terms AS c0 WHERE c0."Term" >= '{customerTerm}' AND c0."Term" < '{customerTerm}{char.MaxValue}')
                 ORDER BY c."Id" DESC LIMIT 6
                """);
        }

        return 0;
    }

    private static string Literal(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    private static async Task<List<string>> ListAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    private static async Task ShowAsync(DbConnection connection, bool postgres, int repeat, string name, string sql)
    {
        Console.WriteLine($"## {name}");
        Console.WriteLine();
        Console.WriteLine("```sql");
        Console.WriteLine(sql.Trim());
        Console.WriteLine("```");
        Console.WriteLine();

        // Warm, then time the query alone: median and worst of the repeats, reading every row.
        var times = new List<double>();
        long rows = 0;
        for (var i = 0; i < repeat + 2; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
            }

            if (i >= 2)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        Console.WriteLine("```");
        if (postgres)
        {
            foreach (var line in await ListAsync(connection, "EXPLAIN (ANALYZE, BUFFERS) " + sql))
            {
                Console.WriteLine(line);
            }
        }
        else
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            await using var reader = await command.ExecuteReaderAsync();
            var depth = new Dictionary<long, int> { [0] = 0 };
            while (await reader.ReadAsync())
            {
                var level = depth.GetValueOrDefault(reader.GetInt64(1)) + 1;
                depth[reader.GetInt64(0)] = level;
                Console.WriteLine(new string(' ', 2 * (level - 1)) + reader.GetString(3));
            }
        }

        Console.WriteLine("```");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows} rows; alone on a warm cache: median {times[times.Count / 2]:F2} ms, worst {times[^1]:F2} ms of {repeat}"));
        Console.WriteLine();
    }
}
