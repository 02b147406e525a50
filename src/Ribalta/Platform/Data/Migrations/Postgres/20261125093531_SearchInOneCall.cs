using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchInOneCall : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A search's whole match in one call (see PostgresMatches): the newest id, the walk through the newest
            // messages, then the bucket walk, with the planner settings the bucket walk needs. The SET clauses restore
            // every setting when the function returns, those changed inside it included (FROM CURRENT). It replaces six
            // round trips (the newest id, the first walk, BEGIN, SET LOCAL, the bucket walk, COMMIT). 100000 is the
            // bucket of search_bucketed.
            migrationBuilder.Sql(
                """
                CREATE FUNCTION search_newest(plain tsquery, bucketed text, before bigint, take integer, newest_window bigint) RETURNS SETOF bigint
                LANGUAGE plpgsql STABLE
                SET jit = off
                SET max_parallel_workers_per_gather = 0
                SET enable_seqscan FROM CURRENT
                SET enable_indexscan FROM CURRENT
                AS $$
                DECLARE
                    top_id bigint;
                    window_floor bigint;
                    matched integer;
                BEGIN
                    SELECT least(before, coalesce(max(e."MessageId"), 0) + 1) INTO top_id FROM search_entries e;
                    window_floor := greatest(0, top_id - newest_window);
                    RETURN QUERY SELECT e."MessageId" FROM search_entries e
                        WHERE ts_match_vq(e."Document", plain) AND e."MessageId" < top_id AND e."MessageId" >= window_floor
                        ORDER BY e."MessageId" DESC LIMIT take;
                    GET DIAGNOSTICS matched = ROW_COUNT;
                    IF matched >= take OR window_floor <= 1 THEN
                        RETURN;
                    END IF;
                    PERFORM set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true);
                    RETURN QUERY SELECT x."MessageId"
                        FROM generate_series((window_floor - 1) / 100000, 0, -1) AS b,
                        LATERAL (SELECT e."MessageId" FROM search_entries e
                                 WHERE search_bucketed(e."Document", e."MessageId") @@ CAST(replace(bucketed, '#', b::text) AS tsquery) AND e."MessageId" < window_floor
                                 ORDER BY e."MessageId" DESC LIMIT take - matched) AS x
                        LIMIT take - matched;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION search_newest(tsquery, text, bigint, integer, bigint);");
        }
    }
}
