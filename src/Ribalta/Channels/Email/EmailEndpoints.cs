using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Email;

/// <summary>
/// <c>/api/v1/mailboxes</c> for admins (set up, check now, remove), and for staff the email behind a message: its
/// original (.eml) and its HTML, sanitised, as a document of its own.
/// </summary>
internal static class EmailEndpoints
{
    public static IEndpointRouteBuilder MapEmail(this IEndpointRouteBuilder app)
    {
        var mailboxes = app.MapGroup("/api/v1/mailboxes").RequireAuthorization(Policies.StaffAdmin).WithTags("Email");
        mailboxes.MapGet("", async (MailboxService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .WithSummary("List mailboxes (never their passwords)");
        mailboxes.MapGet("/{id:guid}", async (Guid id, MailboxService service, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.GetAsync(id, ct)).ToHttp(TypedResults.Ok, localizer));
        mailboxes.MapPost("", async (MailboxInput input, MailboxService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.CreateAsync(actor, input, ct)).ToHttp(m => TypedResults.Created($"/api/v1/mailboxes/{m.Id}", m), localizer))
            .WithSummary("Add a mailbox: IMAP or POP3 in, SMTP out; passwords are stored encrypted and never shown");
        mailboxes.MapPut("/{id:guid}", async (Guid id, MailboxInput input, MailboxService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.UpdateAsync(actor, id, input, ct)).ToHttp(TypedResults.Ok, localizer))
            .WithSummary("Change a mailbox; empty passwords keep the stored ones");
        mailboxes.MapDelete("/{id:guid}", async (Guid id, MailboxService service, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
            (await service.DeleteAsync(actor, id, ct)).ToHttp(_ => TypedResults.NoContent(), localizer))
            .WithSummary("Remove a mailbox that never sent mail (turn it off otherwise)");
        mailboxes.MapPost("/{id:guid}/poll", PollAsync).WithSummary("Check the mailbox now and land what is new; says what happened");
        mailboxes.MapGet("/{id:guid}/set-aside", SetAsideAsync).WithSummary("Mail this mailbox set aside instead of opening a case (no valid sender, bounces of nothing, abuse reports, mail that could not be stored), newest 100, with why");
        mailboxes.MapGet("/{id:guid}/set-aside/{setAsideId:guid}/email", SetAsideOriginalAsync).WithSummary("The original of a set-aside mail (message/rfc822)");
        mailboxes.MapPost("/{id:guid}/set-aside/{setAsideId:guid}/case", OpenSetAsideAsync)
            .WithSummary("Open a set-aside mail as a case, through the normal intake; name the sender when it had no valid one");

        var cases = app.MapGroup("/api/v1/cases/{caseId:long}/messages/{messageId:long}/email").RequireAuthorization(Policies.Staff).WithTags("Email");
        cases.MapGet("", OriginalAsync).WithSummary("The original email as received (message/rfc822)");
        cases.MapGet("/html", HtmlAsync).WithSummary("The email's HTML, sanitised, remote images blocked unless images=allow; a document for a sandboxed frame");
        return app;
    }

    private static async Task<Results<Ok<PollResult>, NotFound>> PollAsync(Guid id, MailboxPoller poller, CancellationToken ct) =>
        await poller.PollNowAsync(id, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<SetAsideMailDto>>, NotFound>> SetAsideAsync(Guid id, SetAsideReader reader, CancellationToken ct) =>
        await reader.ListAsync(id, ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound();

    private static async Task<IResult> SetAsideOriginalAsync(Guid id, Guid setAsideId, SetAsideReader reader, HttpContext http, CancellationToken ct)
    {
        if (await reader.OriginalAsync(id, setAsideId, ct) is not { } original)
        {
            return TypedResults.NotFound();
        }

        return Eml(http, original, $"set-aside-{setAsideId}.eml");
    }

    private static async Task<Results<Created<OpenedSetAside>, ValidationProblem, ProblemHttpResult>> OpenSetAsideAsync(
        Guid id, Guid setAsideId, OpenSetAsideRequest? request, EmailIntake intake, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await intake.OpenSetAsideAsync(actor, id, setAsideId, request?.Sender, ct))
            .ToHttp(caseId => TypedResults.Created($"/api/v1/cases/{caseId}", new OpenedSetAside(caseId)), localizer);

    /// <summary>An original email as a download that no browser renders or sniffs.</summary>
    private static IResult Eml(HttpContext http, Stream content, string fileName)
    {
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        http.Response.Headers.ContentDisposition = disposition.ToString();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        return TypedResults.Stream(content, "message/rfc822");
    }

    private static async Task<IResult> OriginalAsync(long caseId, long messageId, EmailHtml emails, HttpContext http, CancellationToken ct)
    {
        if (await emails.OriginalAsync(caseId, messageId, ct) is not { } original)
        {
            return TypedResults.NotFound();
        }

        return Eml(http, original.Content, $"case-{caseId}-message-{messageId}.eml");
    }

    private static async Task<IResult> HtmlAsync(long caseId, long messageId, string? images, EmailHtml emails, HttpContext http, CancellationToken ct)
    {
        var remote = string.Equals(images, "allow", StringComparison.Ordinal);
        if (await emails.RenderAsync(caseId, messageId, remote, ct) is not { } html)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = EmailHtml.Policy(remote);
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}
