using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Chat;

/// <summary>
/// The visitor's end of a chat, for the widget on a company's site. The gate in front has checked the widget and the
/// page's origin; a connection then starts a chat (or resumes one with its token) and from then on speaks as that
/// chat's visitor. Every write is committed before the call returns, so an acknowledged line is never lost.
/// </summary>
internal sealed class ChatHub(ChatService chats, ChatPresence presence, ChatRelay relay, ChatLimits limits, IStringLocalizer<Strings> localizer, TimeProvider clock) : Hub
{
    private const string ChatKey = "chat";
    private const string WidgetKey = "widget";
    private const string OriginKey = "origin";
    private const string EndedKey = "ended";

    public override Task OnConnectedAsync()
    {
        var http = Context.GetHttpContext()!;
        var widget = (WidgetView)http.Items[typeof(WidgetView)]!;
        Context.Items[WidgetKey] = widget;
        Context.Items[OriginKey] = ChatOrigin.Normalize(http.Request.Headers.Origin.ToString()) ?? ChatOrigin.Normalize($"{http.Request.Scheme}://{http.Request.Host}")!;
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items[ChatKey] is VisitorChat chat)
        {
            presence.Leave(chat.CaseId, Context.ConnectionId);
        }

        return Task.CompletedTask;
    }

    /// <summary>Opens a chat (a new case); the answer carries the token the widget keeps to come back to it.</summary>
    public async Task<ChatState> Start(ChatStartRequest request)
    {
        if (Context.Items[ChatKey] is not null)
        {
            throw Refused(Error.Conflict("Chat.AlreadyStarted"));
        }

        var address = Context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limits.TryStart(Widget, request?.VisitorId, address) is { } limit)
        {
            throw Refused(Error.Conflict(ChatLimits.Refusal(limit)));
        }

        var language = SupportedCultures.IsSupported(CultureInfo.CurrentUICulture.Name) ? CultureInfo.CurrentUICulture.Name : null;
        var started = await chats.StartAsync(Widget, (string)Context.Items[OriginKey]!, language, localizer["Chat.VisitorName"], request ?? new(null, null, null, null), Context.ConnectionAborted);
        if (!started.IsSuccess)
        {
            throw Refused(started.Error!);
        }

        await JoinAsync(started.Value.Chat);
        return started.Value.State;
    }

    /// <summary>
    /// Comes back to a chat after a reload or a dropped connection. Null when the token is unknown or expired (the
    /// widget then forgets it); any other failure is an error to try again, and the token is kept.
    /// </summary>
    public async Task<ChatState?> Resume(string token)
    {
        if (await chats.ResumeAsync(Widget, token, Context.ConnectionAborted) is not { } resumed)
        {
            return null;
        }

        if (Context.Items[ChatKey] is VisitorChat before && before.SessionId != resumed.Chat.SessionId)
        {
            await LeaveAsync(before);
        }

        if (resumed.State.Ended)
        {
            // An ended chat can be read again, not written to: the connection does not join it.
            return resumed.State;
        }

        await JoinAsync(resumed.Chat);
        if (relay.AgentTyping(resumed.Chat.CaseId))
        {
            await Clients.Caller.SendAsync("agentTyping", true, Context.ConnectionAborted);
        }

        return resumed.State;
    }

    public async Task<ChatLine> Send(string body)
    {
        var chat = Chat;
        // Per chat as well as per connection: opening more connections to one chat does not make it faster.
        if (!limits.MaySend(chat.SessionId))
        {
            throw Refused(Error.Conflict("Chat.TooFast"));
        }

        var sent = await chats.SendAsync(chat, body, Context.ConnectionAborted);
        presence.Typing(chat.CaseId, false, clock.GetUtcNow());
        return sent.IsSuccess ? sent.Value : throw Refused(sent.Error!);
    }

    /// <summary>The visitor is (or stopped) writing: the agent's case page says so for a few seconds.</summary>
    public void Typing(bool typing) => presence.Typing(Chat.CaseId, typing, clock.GetUtcNow());

    public async Task ContinueByEmail(string email)
    {
        var chat = Chat;
        var result = await chats.ContinueByEmailAsync(chat, email, Context.ConnectionAborted);
        if (!result.IsSuccess)
        {
            throw Refused(result.Error!);
        }

        await EndedAsync(chat, email.Trim());
    }

    public async Task End()
    {
        var chat = Chat;
        await chats.EndAsync(chat, Context.ConnectionAborted);
        await EndedAsync(chat, null);
    }

    /// <summary>
    /// The visitor has gone from this chat, though their page may stay open: their other tabs are told, and this
    /// connection leaves it (so replies now go by email), free to start a new one.
    /// </summary>
    private async Task EndedAsync(VisitorChat chat, string? email)
    {
        await Clients.OthersInGroup(ChatRelay.Group(chat.CaseId)).SendAsync("ended", email, Context.ConnectionAborted);
        await LeaveAsync(chat);
        Context.Items[ChatKey] = null;
        Context.Items[EndedKey] = true;
    }

    private WidgetView Widget => (WidgetView)Context.Items[WidgetKey]!;

    private VisitorChat Chat => Context.Items[ChatKey] as VisitorChat
        ?? throw Refused(Error.Conflict(Context.Items.ContainsKey(EndedKey) ? "Chat.Ended" : "Chat.NotStarted"));

    private async Task JoinAsync(VisitorChat chat)
    {
        Context.Items[ChatKey] = chat;
        Context.Items.Remove(EndedKey);
        await Groups.AddToGroupAsync(Context.ConnectionId, ChatRelay.Group(chat.CaseId), Context.ConnectionAborted);
        presence.Join(chat.CaseId, Context.ConnectionId);
    }

    private async Task LeaveAsync(VisitorChat chat)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ChatRelay.Group(chat.CaseId), Context.ConnectionAborted);
        presence.Leave(chat.CaseId, Context.ConnectionId);
    }

    /// <summary>An expected refusal, as a sentence in the visitor's language (a HubException's message reaches the client).</summary>
    private HubException Refused(Error error) => new(error.Describe(localizer));
}

/// <summary>
/// Runs around every call to the chat hub: in the visitor's language (the widget says which on connecting), and
/// within the connection's rate limit; a call over the limit is refused with a sentence, not queued.
/// </summary>
internal sealed class ChatHubFilter(ChatLimits limits, IStringLocalizer<Strings> localizer) : IHubFilter
{
    private const string LimiterKey = "limiter";
    private const string CultureKey = "culture";

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Hub is not ChatHub)
        {
            return next(context);
        }

        var requested = context.Context.GetHttpContext()?.Request.Query["lang"].ToString();
        context.Context.Items[CultureKey] = new CultureInfo(SupportedCultures.IsSupported(requested) ? requested! : "en");
        context.Context.Items[LimiterKey] = limits.ForConnection();
        return next(context);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocation.Hub is not ChatHub)
        {
            return await next(invocation);
        }

        var items = invocation.Context.Items;
        var culture = (CultureInfo)items[CultureKey]!;
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, culture);
        if (!((ClockBucket)items[LimiterKey]!).TryTake())
        {
            throw new HubException(localizer["Chat.TooFast"]);
        }

        return await next(invocation);
    }
}
