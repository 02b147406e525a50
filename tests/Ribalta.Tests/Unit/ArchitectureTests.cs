using Microsoft.EntityFrameworkCore;
using NetArchTest.Rules;
using Ribalta.Platform.Data;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>Module boundaries and build rules, as tests.</summary>
[Trait("Suite", "Unit")]
public sealed class ArchitectureTests
{
    private static readonly System.Reflection.Assembly Ribalta = typeof(RibaltaDbContext).Assembly;

    /// <summary>
    /// The business modules, found by themselves: a namespace <c>Ribalta.X</c> with its <c>XModule</c> registration
    /// class (the platform and the demo seeder aside). Adding a module is a folder, one Add line and one Map line.
    /// </summary>
    public static readonly string[] Modules = Ribalta.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: true, IsSealed: true, Namespace: { } ns } && ns.Count(c => c == '.') == 1 && t.Name == ns[(ns.IndexOf('.') + 1)..] + "Module")
        .Select(t => t.Namespace!).Except(["Ribalta.Platform", "Ribalta.Demo"]).Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<string> EachModule() => [.. Modules];

    [Fact]
    public void The_modules_are_found_from_their_registration_classes()
    {
        Assert.Subset(Modules.ToHashSet(), new HashSet<string> { "Ribalta.Cases", "Ribalta.Channels", "Ribalta.Customers", "Ribalta.Empowerment", "Ribalta.Insights" });
    }

    [Fact]
    public void Platform_depends_on_no_module()
    {
        var result = Types.InAssembly(Ribalta).That().ResideInNamespace("Ribalta.Platform")
            .ShouldNot().HaveDependencyOnAny([.. Modules, "Ribalta.Demo", "Ribalta.Components.Pages"])
            .GetResult();
        Assert.True(result.IsSuccessful, "Platform reaches into: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Theory]
    [MemberData(nameof(EachModule))]
    public void Other_modules_use_only_a_modules_contracts(string module)
    {
        var others = Modules.Where(m => m != module).Append("Ribalta.Platform").ToArray();
        var result = others.Skip(1).Aggregate(
                Types.InAssembly(Ribalta).That().ResideInNamespace(others[0]),
                (predicates, other) => predicates.Or().ResideInNamespace(other))
            .ShouldNot().HaveDependencyOnAny(
                Types.InAssembly(Ribalta).That().ResideInNamespace(module).And().DoNotResideInNamespace(module + ".Contracts")
                    .GetTypes().Select(t => t.FullName!).ToArray())
            .GetResult();
        Assert.True(result.IsSuccessful, $"{module} internals used by: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Module_entities_and_handlers_are_internal()
    {
        var result = Types.InAssembly(Ribalta).That().ResideInNamespace("Ribalta.Customers.Domain")
            .And().AreClasses().And().DoNotHaveName("CustomerInput")
            .Should().NotBePublic()
            .GetResult();
        Assert.True(result.IsSuccessful, "public: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Theory]
    [InlineData(typeof(SqliteRibaltaDbContext))]
    [InlineData(typeof(PostgresRibaltaDbContext))]
    public void Every_model_change_has_a_migration_for_each_provider(Type contextType)
    {
        var factoryType = Ribalta.GetTypes().Single(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericArguments()[0] == contextType));
        dynamic factory = Activator.CreateInstance(factoryType, nonPublic: true)!;
        using DbContext context = factory.CreateDbContext(Array.Empty<string>());
        Assert.False(context.Database.HasPendingModelChanges(), $"{contextType.Name} has model changes without a migration: run dotnet ef migrations add for it.");
    }

    [Fact]
    public void Production_code_never_reads_the_clock_directly()
    {
        var source = Path.Combine(LocalizationTests.RepositoryRoot(), "src", "Ribalta");
        var offenders = Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("DateTime.Now", StringComparison.Ordinal) || text.Contains("DateTime.UtcNow", StringComparison.Ordinal) || text.Contains("DateTimeOffset.UtcNow", StringComparison.Ordinal) || text.Contains("DateTimeOffset.Now", StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Csv_is_written_only_by_the_platform_writer()
    {
        // One writer neutralises formulas; a second path (CsvHelper's writer, say) would not.
        var result = Types.InAssembly(Ribalta).That().DoNotResideInNamespace("Ribalta.Platform.Csv")
            .ShouldNot().HaveDependencyOnAny("CsvHelper.CsvWriter", "CsvHelper.CsvWriterOptions")
            .GetResult();
        Assert.True(result.IsSuccessful, "CSV written outside Platform/Csv by: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Outbound_connections_go_through_the_guard()
    {
        // Sockets, HTTP handlers, DNS and MailKit connections only in the guard and the mail connection built on it.
        string[] allowed = [Path.Combine("Platform", "Net", ""), Path.Combine("Channels", "Email", "MailConnection.cs")];
        string[] connecting = ["new HttpClient", "HttpClientHandler", "SocketsHttpHandler", "AddHttpClient", "Dns.", "TcpClient", "new Socket(", ".ConnectAsync("];
        var source = Path.Combine(LocalizationTests.RepositoryRoot(), "src", "Ribalta");
        var offenders = Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Where(f => !allowed.Any(a => f.Contains(a, StringComparison.Ordinal)))
            .Where(f => File.ReadAllText(f) is var text && connecting.Any(c => text.Contains(c, StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Periodic_work_is_a_job()
    {
        // A timer of its own runs on every node, out of sight; a job runs once under a lease and shows on /admin/jobs.
        var result = Types.InAssembly(Ribalta).ShouldNot().HaveDependencyOn("System.Threading.PeriodicTimer").GetResult();
        Assert.True(result.IsSuccessful, "PeriodicTimer (make it an IJob) in: " + string.Join(", ", result.FailingTypeNames ?? []));
        Assert.Contains(typeof(global::Ribalta.Empowerment.Promises.PromiseMonitor), Types.InAssembly(Ribalta).That().ImplementInterface(typeof(global::Ribalta.Platform.Jobs.IJob)).GetTypes());
    }
}
