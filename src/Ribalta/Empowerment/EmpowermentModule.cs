using Ribalta.Empowerment.Catalogue;
using Ribalta.Empowerment.Envelopes;
using Ribalta.Empowerment.Help;
using Ribalta.Empowerment.Kindness;
using Ribalta.Empowerment.Promises;
using Ribalta.Empowerment.Resolve;
using Ribalta.Platform;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Notifications;

namespace Ribalta.Empowerment;

/// <summary>What the front line may decide for the customer: resolution options, authority envelopes, grants.</summary>
public static class EmpowermentModule
{
    /// <summary>Managers and admins see every team's flags; a team lead their own team's.</summary>
    internal static bool EveryTeam(System.Security.Claims.ClaimsPrincipal user) => user.IsInRole(StaffRoles.Manager) || user.IsInRole(StaffRoles.Admin) || user.IsInRole(Platform.Integrations.ApiKeyAuthenticationHandler.AdminRole);

    public static IServiceCollection AddEmpowerment(this IServiceCollection services)
    {
        services.AddOptions<EmpowermentOptions>().BindWithOrganisationTimeZone(EmpowermentOptions.Section, (o, zone) => o.TimeZone = zone)
            .Validate(o => OrganisationOptions.IsTimeZone(o.TimeZone), "Empowerment:TimeZone must be an IANA time zone such as Europe/Rome (or left out: Organisation:TimeZone)")
            .Validate(o => o.HelpDecisionMinutes is > 0 and <= 43_200 && o.HelpQuestionMinutes is > 0 and <= 43_200,
                "Empowerment:HelpDecisionMinutes and HelpQuestionMinutes must be between 1 and 43200 (30 days)")
            .Validate(o => o.ReasonableReach is >= 1 and <= 100, "Empowerment:ReasonableReach must be between 1 and 100")
            .Validate(o => o.PromiseDueSoonHours is >= 1 and <= 720, "Empowerment:PromiseDueSoonHours must be between 1 and 720")
            .Validate(o => o.PromiseCheckSeconds is >= 1 and <= 3600, "Empowerment:PromiseCheckSeconds must be between 1 and 3600")
            .Validate(o => o.NormFactor is >= 1 and <= 100 && o.NormMinSample is >= 1 and <= 500, "Empowerment:NormFactor must be between 1 and 100 and NormMinSample between 1 and 500")
            .ValidateOnStart();
        services.AddScoped<ResolutionCatalogue>();
        services.AddScoped<EnvelopeRules>();
        services.AddScoped<EnvelopeLedgers>();
        services.AddScoped<EnvelopeHeadroom>();
        services.AddScoped<GrantHandler>();
        services.AddScoped<ReverseGrantHandler>();
        services.AddScoped<GrantHistory>();
        services.AddScoped<EnvelopeUsageReport>();
        services.AddScoped<GrantNorms>();
        services.AddSingleton<TeamNormCache>();
        services.AddScoped<Kindness.KindnessHandler>();
        services.AddScoped<Kindness.KindnessBudgets>();
        services.AddScoped<Kindness.ImportantMoments>();
        services.AddSingleton(new Cases.Contracts.CasePanel(typeof(Kindness.KindnessPanel), 30));
        services.AddSingleton(new Customers.Contracts.CustomerPanel(typeof(Kindness.KindnessPanel), 10));
        services.AddSingleton(new Cases.Contracts.InboxPanel(typeof(Kindness.KindnessInboxPanel), 40));
        services.AddScoped<AskHelpHandler>();
        services.AddScoped<TakeHelpHandler>();
        services.AddScoped<AnswerHelpHandler>();
        services.AddScoped<WithdrawHelpHandler>();
        services.AddScoped<HelpQueue>();
        services.AddScoped<HelpReport>();
        services.AddScoped<Promises.PromiseLedger>();
        services.AddScoped<Promises.DuePromises>();
        services.AddScoped<Promises.PromiseReport>();
        services.AddJob<Promises.PromiseMonitor>();
        services.AddJob<Promises.PromiseReminder>().AddNotificationKind(Promises.PromiseReminder.Kind, 50);
        services.AddNotificationSource<HelpNotifications>().AddNotificationKind(HelpNotifications.Asked, 10).AddNotificationKind(HelpNotifications.Answered, 20);
        services.AddSingleton(new Cases.Contracts.CasePanel(typeof(ResolvePanel), 10));
        services.AddSingleton(new Cases.Contracts.InboxPanel(typeof(HelpInboxPanel), 10));
        services.AddSingleton(new Cases.Contracts.InboxPanel(typeof(Promises.PromiseInboxPanel), 20));
        services.AddSingleton(new Cases.Contracts.InboxPanel(typeof(GrantFlagsPanel), 30));
        services.AddSingleton(new Cases.Contracts.CasePanel(typeof(Promises.PromisePanel), 20));
        return services;
    }

    public static IEndpointRouteBuilder MapEmpowerment(this IEndpointRouteBuilder app)
    {
        app.MapCatalogue();
        app.MapEnvelopes();
        app.MapResolve();
        app.MapHelp();
        app.MapKindness();
        app.MapPromises();
        return app;
    }
}
