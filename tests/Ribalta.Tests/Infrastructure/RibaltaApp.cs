using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ribalta.Platform.Identity;

namespace Ribalta.Tests.Infrastructure;

/// <summary>
/// The real application on a real database (SQLite file or PostgreSQL), shared by the tests of one collection.
/// Time is a <see cref="FakeTimeProvider"/> that starts at the real time and moves only when a test says so.
/// </summary>
public class RibaltaApp : WebApplicationFactory<Program>
{
    public const string Password = "correct horse battery staple";

    /// <summary>A host name allowed for webhooks (<c>Webhooks:AllowedHosts</c>); a test maps it to an address with <see cref="Names"/>.</summary>
    public const string AllowedWebhookHost = "hooks.allowed.test";

    private readonly Dictionary<string, string?> _settings;
    private readonly Dictionary<string, string> _staff = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public RibaltaApp(string provider, string connectionString, string dataDirectory, IDictionary<string, string?>? extra = null)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["Database:ConnectionString"] = connectionString,
            ["Database:DataDirectory"] = dataDirectory,

            // A query that pages without an order fails its test instead of warning in a log nobody reads.
            ["Database:StrictQueries"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Error",

            // Webhook and email tests talk to listeners and mail servers on loopback: allowed explicitly, as an administrator
            // would allow an internal host. Any other internal address, or a name resolving to one, is refused as in production.
            ["Outbound:AllowedHosts:0"] = "127.0.0.1",

            // The webhook-only list, which still works: a test name (see Names) that resolves to loopback.
            ["Webhooks:AllowedHosts:0"] = AllowedWebhookHost,

            // Email tests show the size limit with a small message rather than a huge one.
            ["Email:MaxMessageBytes"] = "1048576",

            // Links in mail point here, whatever Host a request claims.
            ["PublicUrl"] = "https://desk.ribalta.test",

            // Every test's visitor comes from the same (test server) address; the cap per address has its own test.
            ["Chat:StartsPerHourPerAddress"] = "10000",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string Provider { get; }

    public string DataDirectory { get; }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public RecordingEventSubscriber Events { get; } = new();

    /// <summary>What the application warned about or failed at, for tests that wait on background work.</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>What host names resolve to, as the outbound guard sees them (names not mapped go to DNS).</summary>
    internal FakeHostResolver Names { get; } = new(new Ribalta.Platform.Net.DnsHostResolver());

    /// <summary>False for hosts that a real browser drives, where time must pass as it does for the browser.</summary>
    public bool UseFakeClock { get; init; } = true;

    /// <summary>Without the fake clock: real time that a test can move ahead (timers still run in real time).</summary>
    public ShiftedClock RealClock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(UseFakeClock ? Clock : RealClock);

            services.AddSingleton(Events);
            services.RemoveAll<Ribalta.Platform.Net.IHostResolver>();
            services.AddSingleton<Ribalta.Platform.Net.IHostResolver>(Names);
            services.AddScoped<Ribalta.Platform.Events.IEventSubscriber>(sp => sp.GetRequiredService<RecordingEventSubscriber>());
        });
    }

    /// <summary>An anonymous client that keeps cookies and does not follow redirects, like a careful browser.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>
    /// A freshly signed-in client for a member of staff with exactly these roles. The person is created once per
    /// role set; the session is new each time, since tests move the clock past cookie lifetimes.
    /// </summary>
    public async Task<HttpClient> AsStaff(params string[] roles)
    {
        var key = string.Join('+', roles.Order(StringComparer.Ordinal));
        string? email;
        await _gate.WaitAsync();
        try
        {
            if (!_staff.TryGetValue(key, out email))
            {
                email = $"{key.Replace('+', '-').ToLowerInvariant()}-{Guid.NewGuid():N}@staff.test";
                await CreateStaffAsync(email, $"Test {key}", roles);
                _staff[key] = email;
            }
        }
        finally
        {
            _gate.Release();
        }

        return await SignInAsync(email, Password);
    }

    public Task<HttpClient> AsFrontline() => AsStaff(StaffRoles.Frontline);

    public Task<HttpClient> AsAdmin() => AsStaff(StaffRoles.Admin);

    public async Task<StaffUser> CreateStaffAsync(string email, string name, IReadOnlyList<string> roles, string? preferredLanguage = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Ribalta.Platform.Data.RibaltaDbContext>();
        var directory = scope.ServiceProvider.GetRequiredService<StaffDirectory>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await directory.CreateUserAsync(email, name, Password, preferredLanguage, roles, default);
        await transaction.CommitAsync();
        return user.Value;
    }

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/session", new { email, password });
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"Sign-in failed for {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return client;
    }

    /// <summary>Runs code against the application's services in a scope of its own (arrange and assert, never act).</summary>
    public async Task<T> WithServices<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    protected override void Dispose(bool disposing)
    {
        _gate.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The system clock plus an offset a test moves forward ("three hours later"); timers run in real time.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
