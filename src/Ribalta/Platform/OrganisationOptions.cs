using Microsoft.Extensions.Options;

namespace Ribalta.Platform;

/// <summary>What holds for the whole organisation, whichever module asks (section <c>Organisation</c>).</summary>
public sealed class OrganisationOptions
{
    public const string Section = "Organisation";

    /// <summary>
    /// The organisation's time zone (IANA, such as Europe/Rome). Times on pages and in mail are shown in it, and the
    /// modules that count days or months count them in it unless their own setting (<c>Empowerment:TimeZone</c>,
    /// <c>Notifications:TimeZone</c>) says otherwise.
    /// </summary>
    public string TimeZone { get; init; } = "UTC";

    internal static bool IsTimeZone(string? id) => id is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}

public static class OrganisationSettings
{
    /// <summary>The organisation's settings, checked at start, and <see cref="Localization.Shown"/>, which shows times in its zone.</summary>
    public static IServiceCollection AddOrganisation(this IServiceCollection services)
    {
        services.AddOptions<OrganisationOptions>().BindConfiguration(OrganisationOptions.Section)
            .Validate(o => OrganisationOptions.IsTimeZone(o.TimeZone), "Organisation:TimeZone must be an IANA time zone such as Europe/Rome")
            .ValidateOnStart();
        services.AddSingleton<Localization.Shown>();
        return services;
    }

    /// <summary>
    /// Binds a module's section over the organisation's time zone: the module's zone is the organisation's unless its
    /// own <c>TimeZone</c> names one (the organisation's is set first, the section bound after it).
    /// </summary>
    public static OptionsBuilder<TOptions> BindWithOrganisationTimeZone<TOptions>(this OptionsBuilder<TOptions> options, string section, Action<TOptions, string> setTimeZone)
        where TOptions : class =>
        options.Configure<IOptions<OrganisationOptions>>((o, organisation) => setTimeZone(o, organisation.Value.TimeZone))
            .BindConfiguration(section);
}
