using Ribalta.Bench;
using Ribalta.Bench.Generate;
using Ribalta.Bench.Run;

// dotnet run --project bench/Ribalta.Bench -- generate [options]   builds a dataset
// dotnet run --project bench/Ribalta.Bench -- run [options]        measures a running Ribalta
// dotnet run --project bench/Ribalta.Bench -- explain [options]    plans and times of the measured queries
// dotnet run --project bench/Ribalta.Bench -- catch-up [options]   a projection rebuilt from a dataset's whole log, timed
return args.FirstOrDefault() switch
{
    "generate" => await DatasetGenerator.RunAsync(Options.Parse(args[1..])),
    "run" => await LoadDriver.RunAsync(Options.Parse(args[1..])),
    "explain" => await QueryPlans.RunAsync(Options.Parse(args[1..])),
    "catch-up" => await CatchUp.RunAsync(Options.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          generate --data-dir DIR [--preset reference|small] [--provider Sqlite|Postgres] [--connection CS]
                   [--customers N] [--cases-per-customer N] [--messages-per-case N] [--seed N] [--as-of yyyy-MM-dd]
                   [--long-case-every N] [--long-case-messages N]
          run --url URL [--email E] [--password P] [--seconds N] [--workers N] [--pid PID] [--out DIR]
              [--label TEXT] [--long-case-every N] [--quiet-wait SECONDS] [--warm-up SECONDS] [--only WORD,WORD] [--cold true]
              [--ingest-workers N] [--batch-size N] [--batch-workers N] [--chat-visitors N] [--emails N]
          explain [--provider Sqlite|Postgres] [--data-dir DIR | --connection CS] [--case ID] [--repeat N] [--sql FILE]
          catch-up --data-dir DIR [--provider Sqlite|Postgres] [--connection CS] [--projection NAME] [--batch-size N] [--out DIR]
        """);
    return 2;
}
