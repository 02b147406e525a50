using Ribalta.Cases.Attachments;
using Ribalta.Cases.CannedReplies;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Conversation;
using Ribalta.Cases.Inbox;
using Ribalta.Cases.Mentions;
using Ribalta.Cases.MergeCases;
using Ribalta.Cases.OpenCase;
using Ribalta.Cases.Routing;
using Ribalta.Cases.Search;
using Ribalta.Cases.Targets;
using Ribalta.Cases.UpdateCase;
using Ribalta.Cases.ViewCase;
using Ribalta.Platform;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Notifications;

namespace Ribalta.Cases;

public static class CasesModule
{
    public static IServiceCollection AddCases(this IServiceCollection services)
    {
        services.AddScoped<CaseReader>();
        services.AddSingleton<CaseQueries>();
        services.AddScoped<Attachments.AttachmentService>();
        services.AddScoped<ICaseFiles, Attachments.CaseFiles>();
        services.AddScoped<MergeCases.CaseRelations>();
        services.AddScoped<CannedReplies.CannedReplyLibrary>();
        services.AddScoped<Search.MessageSearch>();
        services.AddScoped<Search.PostgresMatches>();
        services.AddScoped<Search.SearchReindex>();
        services.AddSingleton<CasePresence>();
        services.AddSingleton<IStaffPresence>(sp => sp.GetRequiredService<CasePresence>());
        services.AddScoped<PresenceCircuit>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<PresenceCircuit>());
        services.AddScoped<InboxQuery>();
        services.AddScoped<CaseCountReader>();
        services.AddScoped<SavedFilters>();
        services.AddScoped<Mentions.MentionInbox>();
        services.AddScoped<ICaseDirectory>(sp => sp.GetRequiredService<InboxQuery>());
        services.AddScoped<Routing.CaseRouting>();
        services.AddScoped<OpenCaseHandler>();
        services.AddScoped<ConversationHandler>();
        services.AddScoped<ICaseConversation>(sp => sp.GetRequiredService<ConversationHandler>());
        services.AddScoped<IInboundLanding, Inbound.InboundLanding>();
        services.AddScoped<UpdateCaseHandler>();
        services.AddSingleton<Targets.TargetRulesCache>();
        services.AddScoped<Targets.CaseTargets>();
        services.AddScoped<Targets.TargetSettings>();
        services.AddJob<Targets.TargetMonitor>();
        services.AddNotificationSource<Notifications.CaseNotifications>().AddNotificationKind(Notifications.CaseNotifications.Mentioned, 30).AddNotificationKind(Notifications.CaseNotifications.ChatStarted, 40);
        return services;
    }

    /// <summary>The <c>reindex-search</c> command: every message analysed again, with progress and an estimate on the console.</summary>
    public static async Task ReindexSearchAsync(this IServiceProvider services, TextWriter console, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var reindex = scope.ServiceProvider.GetRequiredService<Search.SearchReindex>();
        var done = await reindex.RunAsync(p =>
        {
            var rate = p.Done / Math.Max(p.Elapsed.TotalSeconds, 0.001);
            var left = TimeSpan.FromSeconds((p.Total - p.Done) / Math.Max(rate, 1));
            console.Write(System.FormattableString.Invariant($"\rSearch index: {p.Done:N0} of {p.Total:N0} messages ({100.0 * p.Done / Math.Max(p.Total, 1):F1}%, {rate:N0}/s, about {left:hh\\:mm\\:ss} left)   "));
        }, ct);
        console.WriteLine();
        console.WriteLine(System.FormattableString.Invariant($"Search index: {done:N0} messages analysed again."));
    }

    public static WebApplication MapCases(this WebApplication app)
    {
        var cases = app.MapGroup("/api/v1/cases").RequireAuthorization(Policies.Staff).WithTags("Cases");
        app.MapInbox(cases);
        cases.MapOpenCase();
        cases.MapViewCase();
        cases.MapUpdateCase();
        cases.MapConversation();
        cases.MapMentions();
        cases.MapMergeCases();
        app.MapCannedReplies();
        app.MapSearch();
        app.MapAttachments();
        app.MapTargets();
        app.MapRouting();
        return app;
    }
}
