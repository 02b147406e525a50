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

    /// <summary>
    /// A module's public surface is its contracts. Outside <c>.Contracts</c>, nothing that holds state or does work is
    /// public: no entity the database maps (whatever its shape) and no other class. What may be public there is data
    /// and what the framework forces: records (request, response and view shapes bound by minimal APIs and pages),
    /// enums and structs, static registration classes, and Razor components, which Razor declares public (so the
    /// types their parameters expose stay public too, in <see cref="PublicForRazor"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(EachModule))]
    public void Module_entities_and_handlers_are_internal(string module)
    {
        var entities = MappedEntityTypes();
        var offenders = Ribalta.GetTypes()
            .Where(t => t.IsVisible && t.Namespace is { } ns && (ns == module || ns.StartsWith(module + ".", StringComparison.Ordinal)))
            .Where(t => t.Namespace != module + ".Contracts" && !t.Namespace!.StartsWith(module + ".Contracts.", StringComparison.Ordinal))
            .Where(t => entities.Contains(t) || IsBehaviour(t))
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(offenders.Count == 0, $"public in {module} (make them internal): " + string.Join(", ", offenders));
    }

    /// <summary>
    /// Classes that must stay public though they are not records: Razor makes every component public, and a public
    /// component cannot expose an internal type through a public member.
    /// </summary>
    private static readonly HashSet<string> PublicForRazor = new(StringComparer.Ordinal)
    {
        // The customer form's [Parameter] Model: CustomerForm.razor is public, so its parameter type must be too.
        "Ribalta.Customers.Shared.CustomerFormModel",
    };

    private static bool IsBehaviour(Type type) =>
        type.IsClass
        && !(type.IsAbstract && type.IsSealed) // static: the module's registration class
        && !IsRecord(type)
        && !typeof(Microsoft.AspNetCore.Components.IComponent).IsAssignableFrom(type)
        && type.Name != "_Imports" // Razor compiles each _Imports.razor to a public class of that name
        && !PublicForRazor.Contains(type.FullName!);

    // The compiler gives every record class a protected EqualityContract property; nothing else declares one by hand.
    private static bool IsRecord(Type type) =>
        type.GetProperty("EqualityContract", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly) is { } contract
        && contract.GetMethod?.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false) == true;

    private static HashSet<Type> MappedEntityTypes()
    {
        // The model as the migrations see it: built by the design-time factory, no database opened.
        using var context = new SqliteDesignTimeFactory().CreateDbContext([]);
        return context.Model.GetEntityTypes().Select(e => e.ClrType).ToHashSet();
    }

    /// <summary>
    /// A module's contracts are what others may use, so they stand alone: no contract type reaches into any module's
    /// internals (its own included), or using a contract would drag the internals along.
    /// </summary>
    /// <summary>
    /// NetArchTest counts a string constant naming a type as a dependency on it. <c>CaseKeys</c> names Cases' case and
    /// message entities by string, on purpose: so that another module's foreign keys reach them without a type
    /// reference (a wrong name shows as a pending model change). It is the only contract allowed that.
    /// </summary>
    private const string NamesInternalsByDesign = "CaseKeys";

    [Theory]
    [MemberData(nameof(EachModule))]
    public void Contracts_depend_on_no_modules_internals(string module)
    {
        var internals = Modules.SelectMany(m => Types.InAssembly(Ribalta).That().ResideInNamespace(m).And().DoNotResideInNamespace(m + ".Contracts").GetTypes())
            .Select(t => t.FullName!).ToArray();
        var result = Types.InAssembly(Ribalta).That().ResideInNamespace(module + ".Contracts")
            .And().DoNotHaveName(NamesInternalsByDesign)
            .ShouldNot().HaveDependencyOnAny(internals)
            .GetResult();
        Assert.True(result.IsSuccessful, $"{module}.Contracts depends on module internals in: " + string.Join(", ", result.FailingTypeNames ?? []));
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
