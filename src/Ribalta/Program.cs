using Ribalta;
using Ribalta.Cases;
using Ribalta.Channels;
using Ribalta.Components;
using Ribalta.Customers;
using Ribalta.Empowerment;
using Ribalta.Insights;
using Ribalta.Platform;
using Ribalta.Platform.Data;
using Ribalta.Platform.Projections;

// `--demo` seeds a demo organisation on first run; `migrate` applies migrations and exits; `reindex-search` analyses
// every message again after an upgrade that changed the search analysis; `rebuild NAME` builds a projection again
// from the whole event log (docs/operations.md).
NativeMemory.LimitMallocArenas();

var demo = args.Contains("--demo");
var command = args.Length > 0 && args[0] is "migrate" or "reindex-search" or "rebuild" ? args[0] : null;
var projection = command == "rebuild" && args.Length > 1 && !args[1].StartsWith('-') ? args[1] : null;
var hostArgs = args.Skip(command is null ? 0 : projection is null ? 1 : 2).Where(a => a != "--demo").ToArray();

var builder = WebApplication.CreateBuilder(hostArgs);
if (demo)
{
    builder.Configuration["Demo:Enabled"] = "true";
}

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

// Running from build output in any environment (tests, `dotnet run`): serve framework files such as
// blazor.web.js from their packages. A published app has them in wwwroot and this does nothing.
builder.WebHost.UseStaticWebAssets();

builder.AddRibaltaModules();
builder.Services.AddWorkspace();

var app = builder.Build();

if (command is not null)
{
    await app.Services.MigrateDatabaseAsync();
    Console.WriteLine($"Database is up to date ({app.Services.DatabaseSettings().Provider}).");
    if (command == "reindex-search")
    {
        await app.Services.ReindexSearchAsync(Console.Out);
    }
    else if (command == "rebuild")
    {
        return await app.Services.RebuildProjectionAsync(projection, Console.Out);
    }

    return 0;
}

app.UsePlatform();

app.MapPlatform();
app.MapCustomers();
app.MapCases();
app.MapChannels();
app.MapEmpowerment();
app.MapInsights();
app.MapWorkspace();

app.Run();
return 0;

/// <summary>Entry point; public so integration tests can host the real application.</summary>
public partial class Program;
