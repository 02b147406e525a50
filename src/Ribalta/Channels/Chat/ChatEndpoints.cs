using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Chat;

/// <summary>What the widget script needs to draw itself: its words in the visitor's language, and which way they run.</summary>
public sealed record ChatWidgetConfig(string Name, string Language, string Direction, string Greeting, IReadOnlyDictionary<string, string> Text);

/// <summary>
/// The chat's doors: <c>/chat/hub</c> (SignalR, for visitors, behind the origin gate), the widget's settings for the
/// script, a preview page for staff, <c>/api/v1/chat/widgets</c> for admins and a case's chat for staff.
/// </summary>
internal static class ChatEndpoints
{
    /// <summary>The widget's words: short name in the script, key in the resources.</summary>
    private static readonly string[] WidgetText =
    [
        "Title", "Open", "Close", "Name", "Email", "EmailHint", "Message", "Start", "Send", "Sending", "Failed", "Retry",
        "ContinueByEmail", "ContinueHint", "Continue", "Cancel", "End", "Ended", "ContinuesAt", "NewChat", "AgentTyping",
        "You", "Reconnecting", "Unavailable", "CaseNumber", "MessageRequired",
    ];

    public static WebApplication MapChat(this WebApplication app)
    {
        app.UseWhen(context => ChatGate.Guards(context.Request.Path), branch => branch.UseMiddleware<ChatGate>());
        app.MapHub<ChatHub>(ChatGate.HubPath, options =>
        {
            // Visitors connect from other sites; cookies are never used, so nothing here acts on a staff session.
            options.ApplicationMaxBufferSize = 64 * 1024;
            options.TransportMaxBufferSize = 64 * 1024;
        }).AllowAnonymous();

        app.MapGet(ChatGate.WidgetsPath + "/{key}/config", Config).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/chat/preview/{key}", PreviewAsync).RequireAuthorization(Policies.Staff).ExcludeFromDescription();

        var widgets = app.MapGroup("/api/v1/chat/widgets").RequireAuthorization(Policies.StaffAdmin).WithTags("Chat");
        widgets.MapGet("", async (ChatWidgetService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .WithSummary("List chat widgets");
        widgets.MapGet("/{id:guid}", async (Guid id, ChatWidgetService service, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.GetAsync(id, ct)).ToHttp(TypedResults.Ok, localizer));
        widgets.MapPost("", async (ChatWidgetInput input, ChatWidgetService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.CreateAsync(actor, input, ct)).ToHttp(w => TypedResults.Created($"/api/v1/chat/widgets/{w.Id}", w), localizer))
            .WithSummary("Add a chat widget: the sites (origins) allowed to embed it, its department and greeting");
        widgets.MapPut("/{id:guid}", async (Guid id, ChatWidgetInput input, ChatWidgetService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.UpdateAsync(actor, id, input, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Change a chat widget");
        widgets.MapDelete("/{id:guid}", async (Guid id, ChatWidgetService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.DeleteAsync(actor, id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer))
            .WithSummary("Remove a chat widget that never had a chat (turn it off otherwise)");

        app.MapGet("/api/v1/cases/{caseId:long}/chat", CaseChatAsync).RequireAuthorization(Policies.Staff).WithTags("Chat")
            .WithSummary("The chat behind a case: the visitor, the page, whether they are here now, and whether it continues by email");
        return app;
    }

    private static Ok<ChatWidgetConfig> Config(string key, string? lang, HttpContext http, IStringLocalizer<Strings> localizer)
    {
        var widget = (WidgetView)http.Items[typeof(WidgetView)]!;
        var language = SupportedCultures.IsSupported(lang) ? lang! : "en";
        var culture = new CultureInfo(language);
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, culture);
        var greeting = widget.Greetings.GetValueOrDefault(language) is { Length: > 0 } own ? own : localizer["Chat.Widget.Greeting"].Value;
        var text = WidgetText.ToDictionary(name => char.ToLowerInvariant(name[0]) + name[1..], name => localizer[$"Chat.Widget.{name}"].Value);
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Ok(new ChatWidgetConfig(widget.Name, language, SupportedCultures.Direction(culture), greeting, text));
    }

    private static async Task<Results<Ok<ChatSessionDto>, NotFound>> CaseChatAsync(long caseId, ChatService chats, CancellationToken ct) =>
        await chats.ForCaseAsync(caseId, ct) is { } chat ? TypedResults.Ok(chat) : TypedResults.NotFound();

    /// <summary>A plain page with the snippet on it, served by Ribalta itself (its own origin is always allowed).</summary>
    private static async Task<IResult> PreviewAsync(string key, ChatWidgetCache widgets, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        if (await widgets.FindAsync(key, ct) is not { } widget)
        {
            return TypedResults.NotFound();
        }

        var culture = CultureInfo.CurrentUICulture;
        var title = WebUtility.HtmlEncode(localizer["Chat.Preview.Title", widget.Name].Value);
        var note = WebUtility.HtmlEncode(widget.Enabled ? localizer["Chat.Preview.Note"].Value : localizer["Chat.WidgetUnavailable"].Value);
        var html = $$"""
            <!DOCTYPE html>
            <html lang="{{culture.TwoLetterISOLanguageName}}" dir="{{SupportedCultures.Direction(culture)}}">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{title}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:40rem;line-height:1.5}</style></head>
            <body><h1>{{title}}</h1><p>{{note}}</p>
            {{Snippet($"{http.Request.Scheme}://{http.Request.Host}", widget.Key, culture.TwoLetterISOLanguageName)}}
            </body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>What a company pastes into its pages, just before &lt;/body&gt;.</summary>
    public static string Snippet(string baseUrl, string key, string? language = null) =>
        $"<script src=\"{WebUtility.HtmlEncode(baseUrl)}/chat/widget.js\" data-ribalta-widget=\"{WebUtility.HtmlEncode(key)}\"{(language is null ? "" : $" data-lang=\"{WebUtility.HtmlEncode(language)}\"")} async></script>";
}
