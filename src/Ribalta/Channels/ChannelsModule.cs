using Microsoft.AspNetCore.SignalR;
using Ribalta.Channels.Chat;
using Ribalta.Channels.Email;
using Ribalta.Channels.Ingest;
using Ribalta.Channels.Social;
using Ribalta.Platform;

namespace Ribalta.Channels;

/// <summary>
/// The doors cases come in by and replies go out of: email (mailboxes, intake, outbox), chat (widgets, the visitor's
/// hub), the API's inbound messages and social mentions. Cases see them only through <c>Cases.Contracts</c>.
/// </summary>
public static class ChannelsModule
{
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        services.AddScoped<Ingest.IngestProcessor>();
        services.AddScoped<Ingest.IngestGateway>();
        services.AddScoped<Social.SocialMentions>();
        services.AddSingleton<Ingest.IngestQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<Ingest.IngestQueue>());
        services.AddOptions<Ingest.IngestOptions>().BindConfiguration(Ingest.IngestOptions.Section);
        services.AddJob<Ingest.IdempotencyRetention>();
        // Mail still comes in windows-125x, ISO-8859-x, KOI8-R, Shift_JIS, EUC, ISO-2022-JP, GB2312, Big5: .NET knows
        // only the Unicode encodings and Latin-1 until the code pages are registered, and MimeKit would decode the rest as
        // Latin-1 (mojibake). Registered here, where the host is built, not left to a library that happens to do it.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        services.AddOptions<Email.EmailOptions>().BindConfiguration(Email.EmailOptions.Section);
        services.AddScoped<Email.MailboxService>();
        services.AddScoped<Cases.Contracts.IChannelDoors>(sp => sp.GetRequiredService<Email.MailboxService>());
        services.AddScoped<Email.EmailIntake>();
        services.AddScoped<Email.EmailOutbox>();
        services.AddScoped<Cases.Contracts.IReplyChannel>(sp => sp.GetRequiredService<Email.EmailOutbox>());
        services.AddScoped<Platform.Mail.IOutboundMail>(sp => sp.GetRequiredService<Email.EmailOutbox>());
        services.AddScoped<Email.EmailHtml>();
        services.AddScoped<Cases.Contracts.IMessageEmails, Email.MessageEmails>();
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
        services.AddScoped<Cases.Contracts.IChannelDoors>(sp => sp.GetRequiredService<Chat.ChatWidgetService>());
        services.AddScoped<Chat.ChatService>();
        services.AddSingleton(new Cases.Contracts.CasePanel(typeof(Chat.CaseChatPanel), 40));
        services.AddScoped<Cases.Contracts.IReplyChannel, Chat.ChatReplies>();
        return services;
    }

    public static WebApplication MapChannels(this WebApplication app)
    {
        app.MapIngest();
        app.MapSocialMentions();
        app.MapEmail();
        app.MapChat();
        return app;
    }
}
