using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ribalta.Platform;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>`--demo` on a small organisation: the console names roles as people read them, and says again how to sign in on every start.</summary>
[Trait("Suite", "Sqlite")]
public sealed class DemoStartTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ribalta-demo-" + Guid.NewGuid().ToString("N")[..8]);
    private RibaltaApp _app = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _app = new RibaltaApp("Sqlite", $"Data Source={Path.Combine(_directory, "ribalta.db")};Foreign Keys=True", _directory,
            new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Customers"] = "12" });
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_second_start_lists_the_demo_logins_again_with_the_roles_named_as_in_the_workspace()
    {
        // The database was seeded when the host started; this is what the next start finds.
        var logins = await _app.WithServices(services =>
            services.GetRequiredService<IDemoSeeder>().SeedIfEmptyAsync(new DemoOptions { Enabled = true, Customers = 12 }, default));
        Assert.Equal(9, logins.Count);
        Assert.Contains(logins, l => l.Email == "agent@demo.ribalta.test");

        var startup = _app.Services.GetServices<IHostedService>().OfType<StartupTasks>().Single();
        var lines = startup.DemoAnnouncement(logins).ToList();
        Assert.StartsWith("Demo logins (password for all: ribalta-demo-2026)", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("Front line", StringComparison.Ordinal) && l.Contains("agent@demo.ribalta.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Team lead", StringComparison.Ordinal) && l.Contains("lead@demo.ribalta.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Back office", StringComparison.Ordinal) && l.Contains("billing@demo.ribalta.test", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Frontline", StringComparison.Ordinal) || l.Contains("TeamLead", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("https://desk.ribalta.test/portal", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Portal sign-in link", StringComparison.Ordinal));
    }
}
