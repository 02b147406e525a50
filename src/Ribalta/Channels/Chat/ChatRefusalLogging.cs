using Microsoft.AspNetCore.SignalR;

namespace Ribalta.Channels.Chat;

/// <summary>
/// SignalR logs every exception a hub method throws as an error with its stack trace, including the
/// <see cref="HubException"/>s the chat answers expected refusals with (too fast, too many chats, not started): one
/// flooding visitor filled the log with stack traces. The chat hub's connection handler gets a logger factory whose
/// dispatcher logger turns such a refusal into one information line; everything else is logged as before, and other
/// hubs (the workspace's) are not touched.
/// </summary>
internal static class ChatRefusalLogging
{
    /// <summary>The category SignalR's hub dispatcher logs under.</summary>
    private const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    /// <summary>SignalR's "Failed to invoke hub method" event.</summary>
    private const int FailedInvokingHubMethod = 8;

    public static void AddChatRefusalLogging(this IServiceCollection services) =>
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<HubConnectionHandler<ChatHub>>(sp, new ChatLoggers(sp.GetRequiredService<ILoggerFactory>())));

    private sealed class ChatLoggers(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            var logger = inner.CreateLogger(categoryName);
            return categoryName == DispatcherCategory ? new RefusalsAsInformation(logger) : logger;
        }

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
            // The application's factory is not ours to dispose.
        }
    }

    private sealed class RefusalsAsInformation(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != FailedInvokingHubMethod || exception is not HubException refusal)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
            else if (inner.IsEnabled(LogLevel.Information))
            {
                inner.Log(LogLevel.Information, eventId, $"{formatter(state, null)} Refused: {refusal.Message}", null, static (line, _) => line);
            }
        }
    }
}
