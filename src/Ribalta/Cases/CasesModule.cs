using Microsoft.AspNetCore.SignalR;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Conversation;
using Ribalta.Cases.Inbox;
using Ribalta.Cases.OpenCase;
using Ribalta.Cases.UpdateCase;
using Ribalta.Cases.ViewCase;
using Ribalta.Platform;

using Ribalta.Platform.Notifications;

namespace Ribalta.Cases;

public static class CasesModule
{
    public static IServiceCollection AddCases(this IServiceCollection services)
    {
        services.AddScoped<CaseReader>();
        services.AddSingleton<CaseQueries>();
        services.AddScoped<Attachments.AttachmentService>();
        services.AddScoped<MergeCases.CaseRelations>();
        services.AddScoped<CannedReplies.CannedReplyLibrary>();
        services.AddScoped<Search.MessageSearch>();
        services.AddScoped<Search.PostgresMatches>();
        services.AddScoped<Search.SearchReindex>();
        services.AddSingleton<CasePresence>();
        services.AddScoped<PresenceCircuit>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<PresenceCircuit>());
        services.AddScoped<InboxQuery>();
        services.AddScoped<CaseCountReader>();
        services.AddScoped<SavedFilters>();
        services.AddScoped<Mentions.MentionInbox>();
        services.AddScoped<Ingest.IngestProcessor>();
        services.AddScoped<Ingest.IngestGateway>();
        services.AddScoped<Social.SocialMentions>();
        services.AddSingleton<Ingest.IngestQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<Ingest.IngestQueue>());
        services.AddOptions<Ingest.IngestOptions>().BindConfiguration(Ingest.IngestOptions.Section);
        services.AddJob<Ingest.IdempotencyRetention>();
        services.AddScoped<ICaseDirectory>(sp => sp.GetRequiredService<InboxQuery>());
        services.AddScoped<Routing.CaseRouting>();
        services.AddScoped<OpenCaseHandler>();
        services.AddScoped<ConversationHandler>();
        services.AddScoped<ICaseConversation>(sp => sp.GetRequiredService<ConversationHandler>());
        services.AddScoped<UpdateCaseHandler>();
        services.AddSingleton<Targets.TargetRulesCache>();
        services.AddScoped<Targets.CaseTargets>();
        services.AddScoped<Targets.TargetSettings>();
        services.AddJob<Targets.TargetMonitor>();
        services.AddNotificationSource<Notifications.CaseNotifications>().AddNotificationKind(Notifications.CaseNotifications.Mentioned, 30).AddNotificationKind(Notifications.CaseNotifications.ChatStarted, 40);
        // Mail still comes in windows-125x, ISO-8859-x, KOI8-R, Shift_JIS, EUC, ISO-2022-JP, GB2312, Big5: .NET knows
        // only the Unicode encodings and Latin-1 until the code pages are registered, and MimeKit would decode the rest as
        // Latin-1 (mojibake). Registered here, where the host is built, not left to a library that happens to do it.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        services.AddOptions<Email.EmailOptions>().BindConfiguration(Email.EmailOptions.Section);
        services.AddScoped<Email.MailboxService>();
        services.AddScoped<Email.EmailIntake>();
        services.AddScoped<Email.EmailOutbox>();
        services.AddScoped<Platform.Mail.IOutboundMail>(sp => sp.GetRequiredService<Email.EmailOutbox>());
        services.AddScoped<Email.EmailHtml>();
        services.AddScoped<Email.SetAsideReader>();
        services.AddSingleton<Email.EmailSignal>();
        services.AddSingleton<Email.MailboxPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<Email.MailboxPoller>());
        services.AddSingleton<Email.EmailDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Email.EmailDispatcher>());
        services.AddOptions<Chat.ChatOptions>().BindConfiguration(Chat.ChatOptions.Section)
            .Validate(o => o.LimitsAreValid(), "Chat:MaxMessageLength, Chat:Burst, Chat:PerSecond, Chat:StartsPerHourPerVisitor, Chat:StartsPerMinutePerWidget and Chat:StartsPerHourPerAddress must be at least 1, Chat:ResumeFor positive")
            .ValidateOnStart();
        services.AddSignalR().AddHubOptions<Chat.ChatHub>(options =>
        {
            options.MaximumReceiveMessageSize = 32 * 1024;
            options.MaximumParallelInvocationsPerClient = 1;
            options.EnableDetailedErrors = false;
            options.AddFilter<Chat.ChatHubFilter>();
        });
        services.AddSingleton<Chat.ChatHubFilter>();
        Chat.ChatRefusalLogging.AddChatRefusalLogging(services);
        services.AddSingleton<Chat.ChatLimits>();
        services.AddSingleton<Chat.ChatWidgetCache>();
        services.AddSingleton<Chat.ChatPresence>();
        services.AddSingleton<Chat.ChatRelay>();
        services.AddScoped<Platform.Events.IEventSubscriber, Chat.ChatRelaySubscriber>();
        services.AddScoped<Chat.ChatWidgetService>();
        services.AddScoped<Chat.ChatService>();
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
        app.MapCasesApi();
        Attachments.AttachmentEndpoints.MapAttachmentEndpoints(app);
        Targets.TargetsApi.MapTargetsApi(app);
        Routing.RoutingEndpoints.MapRoutingEndpoints(app);
        Ingest.IngestApi.MapIngestApi(app);
        Social.SocialMentionsApi.MapSocialMentionsApi(app);
        Email.EmailEndpoints.MapEmailEndpoints(app);
        Chat.ChatEndpoints.MapChat(app);
        return app;
    }
}
