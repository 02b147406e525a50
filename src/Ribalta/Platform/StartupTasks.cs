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
    Mail.PublicSite site,
    Microsoft.Extensions.Localization.IStringLocalizer<Localization.Strings> localizer) : IHostedService
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
                foreach (var line in DemoAnnouncement(logins))
                {
                    Announce(line);
                }
            }
        });
    }

    /// <summary>What the console says about the demo: who can sign in, in the roles' own names, and how customers get in.</summary>
    internal IEnumerable<string> DemoAnnouncement(IReadOnlyList<DemoLogin> logins)
    {
        yield return logins.Count == 0
            ? "Demo data was seeded on an earlier run and its people were changed since; README.md lists the demo logins."
            : "Demo logins (password for all: " + logins[0].Password + "):";
        foreach (var login in logins)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"  {RoleName(login.Role),-14} {login.Email}");
        }

        // The demo has no mailbox, so portal links cannot be mailed to its customers: staff hand one over instead.
        yield return $"Customer portal: {BaseUrl()}/portal. A customer signs in with a link: open a customer in the workspace and";
        yield return "  choose \"Portal sign-in link\" to get one (the demo sends no mail).";
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string BaseUrl() => site.BaseUrl;

    /// <summary>The role as the README and the workspace name it ("Front line", not "Frontline"), in English like the rest of the console.</summary>
    private string RoleName(string role)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        try
        {
            return localizer[$"Role.{role}"].Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    // Operators read these on the console, whatever the log configuration says.
    private static void Announce(string line) => Console.WriteLine(line);
}
