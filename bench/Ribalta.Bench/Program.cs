using Ribalta.Bench;

// dotnet run --project bench/Ribalta.Bench -- generate [options]   builds a dataset
// dotnet run --project bench/Ribalta.Bench -- run [options]        measures a running Ribalta
return args.FirstOrDefault() switch
{
    "generate" => await DatasetGenerator.RunAsync(Options.Parse(args[1..])),
    "run" => await LoadDriver.RunAsync(Options.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          generate --data-dir DIR [--provider Sqlite|Postgres] [--connection CS] [--customers N] [--cases-per-customer N] [--messages-per-case N] [--seed N]
          run --url URL [--email E] [--password P] [--seconds N] [--workers N] [--pid PID] [--out DIR]
        """);
    return 2;
}
