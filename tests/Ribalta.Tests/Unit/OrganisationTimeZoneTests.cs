using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ribalta.Empowerment;
using Ribalta.Platform;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Notifications;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>
/// <c>Organisation:TimeZone</c> is the organisation's zone for every module; <c>Empowerment:TimeZone</c> and
/// <c>Notifications:TimeZone</c> override it when set. A bad zone stops the start, naming the setting that holds it.
/// </summary>
[Trait("Suite", "Unit")]
public sealed class OrganisationTimeZoneTests
{
    [Fact]
    public void Without_any_setting_every_zone_is_utc()
    {
        using var services = Services([]);
        Assert.Equal(("UTC", "UTC", "UTC"), Zones(services));
    }

    [Fact]
    public void The_modules_follow_the_organisations_zone_unless_they_name_their_own()
    {
        using (var services = Services(new() { ["Organisation:TimeZone"] = "Europe/Rome" }))
        {
            Assert.Equal(("Europe/Rome", "Europe/Rome", "Europe/Rome"), Zones(services));
            Assert.Equal("Europe/Rome", services.GetRequiredService<Shown>().Zone.Id);
        }

        using (var services = Services(new()
        {
            ["Organisation:TimeZone"] = "Europe/Rome",
            ["Empowerment:TimeZone"] = "America/New_York",
            ["Notifications:TimeZone"] = "Asia/Dubai",
        }))
        {
            Assert.Equal(("Europe/Rome", "America/New_York", "Asia/Dubai"), Zones(services));
        }
    }

    [Fact]
    public void A_bad_organisation_zone_stops_the_start_naming_that_setting_only()
    {
        using var services = Services(new() { ["Organisation:TimeZone"] = "Europe/Atlantis" });
        var messages = StartupFailures(services);
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.Contains("Organisation:TimeZone must be an IANA time zone", m, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Empowerment:TimeZone")]
    [InlineData("Notifications:TimeZone")]
    public void A_bad_module_zone_stops_the_start_naming_the_modules_setting(string setting)
    {
        using var services = Services(new() { ["Organisation:TimeZone"] = "Europe/Rome", [setting] = "Europe/Atlantis" });
        var message = Assert.Single(StartupFailures(services));
        Assert.StartsWith($"{setting} must be an IANA time zone", message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddOrganisation()
            .AddNotifications()
            .AddEmpowerment()
            .BuildServiceProvider();
    }

    private static (string Organisation, string Empowerment, string Notifications) Zones(IServiceProvider services) => (
        services.GetRequiredService<IOptions<OrganisationOptions>>().Value.TimeZone,
        services.GetRequiredService<IOptions<EmpowermentOptions>>().Value.TimeZone,
        services.GetRequiredService<IOptions<NotificationOptions>>().Value.TimeZone);

    /// <summary>What the host reports when it refuses to start: the failures of every options check run at start.</summary>
    private static IReadOnlyList<string> StartupFailures(IServiceProvider services)
    {
        var failure = Record.Exception(() => services.GetRequiredService<IStartupValidator>().Validate());
        return failure switch
        {
            null => [],
            AggregateException all => all.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures).ToList(),
            OptionsValidationException one => one.Failures.ToList(),
            _ => throw failure,
        };
    }
}
