using Ribalta;
using Ribalta.Cases;
using Ribalta.Components;
using Ribalta.Customers;
using Ribalta.Empowerment;
using Ribalta.Platform;
using Ribalta.Platform.Data;

// `--demo` seeds a demo organisation on first run; `migrate` applies migrations and exits; `reindex-search` analyses
// every message again after an upgrade that changed the search analysis (docs/operations.md).
NativeMemory.LimitMallocArenas();

var demo = args.Contains("--demo");
var command = args.Length > 0 && args[0] is "migrate" or "reindex-search" ? args[0] : null;
var hostArgs = args.Where(a => a != "--demo" && a != command).ToArray();

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

    return;
}

app.UsePlatform();

app.MapPlatform();
app.MapCustomers();
app.MapCases();
app.MapEmpowerment();
app.MapWorkspace();

app.Run();

/// <summary>Entry point; public so integration tests can host the real application.</summary>
public partial class Program;
