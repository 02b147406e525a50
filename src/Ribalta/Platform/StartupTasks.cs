using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Data;
using Ribalta.Platform.Identity;

namespace Ribalta.Platform;

/// <summary>Section <c>Demo</c>: seed a believable organisation on first run.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    public int Seed { get; set; } = 2026;

    public int Customers { get; set; } = 300;
}

public sealed record DemoLogin(string Role, string Email, string Password);

/// <summary>Fills an empty database with demo data. Implemented outside Platform, since it speaks to every module.</summary>
public interface IDemoSeeder
{
    Task<IReadOnlyList<DemoLogin>> SeedIfEmptyAsync(DemoOptions options, CancellationToken cancellationToken);
}

/// <summary>
/// Runs before the server takes requests: migrate, seed the demo when asked, and open first-run set-up
/// (printing its single-use link) when no administrator exists. Then prints where Ribalta listens.
/// </summary>
internal sealed class StartupTasks(
    IServiceProvider services,
    IOptions<DemoOptions> demo,
    SetupGate setup,
    IHostApplicationLifetime lifetime,
    Mail.PublicSite site) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = site.Configured;
        await services.MigrateDatabaseAsync(cancellationToken);

        IReadOnlyList<DemoLogin> logins = [];
        await using (var scope = services.CreateAsyncScope())
        {
            if (demo.Value.Enabled && scope.ServiceProvider.GetService<IDemoSeeder>() is { } seeder)
            {
                logins = await seeder.SeedIfEmptyAsync(demo.Value, cancellationToken);
            }

            var directory = scope.ServiceProvider.GetRequiredService<StaffDirectory>();
            if (!await directory.AnyAdministratorAsync(cancellationToken))
            {
                var token = setup.Open();
                lifetime.ApplicationStarted.Register(() => Announce($"First-run set-up: open {BaseUrl()}/setup?token={token} to create the administrator (single use)."));
            }
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            Announce($"Ribalta is listening on {BaseUrl()}");
            if (demo.Value.Enabled)
            {
                Announce(logins.Count == 0
                    ? "Demo data was seeded on an earlier run; its logins are listed in README.md."
                    : "Demo logins (password for all: " + logins[0].Password + "):");
                foreach (var login in logins)
                {
                    Announce(string.Create(CultureInfo.InvariantCulture, $"  {login.Role,-11} {login.Email}"));
                }
            }
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string BaseUrl() => site.BaseUrl;

    // Operators read these on the console, whatever the log configuration says.
    private static void Announce(string line) => Console.WriteLine(line);
}
