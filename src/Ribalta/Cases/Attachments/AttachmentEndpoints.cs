using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.ViewCase;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Storage;

namespace Ribalta.Cases.Attachments;

internal static class AttachmentEndpoints
{
    public static IEndpointRouteBuilder MapAttachments(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/cases/{id:long}/attachments", Upload).RequireAuthorization(Policies.CasesWork).WithTags("Cases").Accepts<byte[]>("application/octet-stream");
        app.MapGet("/api/v1/attachments/{id:guid}", (Guid id, bool? preview, AttachmentService files, HttpContext http, CancellationToken ct) => Download(id, preview ?? false, CaseViewer.Staff, files, http, ct))
            .RequireAuthorization(Policies.Staff).WithTags("Cases");
        app.MapGet("/portal/attachments/{id:guid}", (Guid id, bool? preview, AttachmentService files, HttpContext http, CancellationToken ct) => Download(id, preview ?? false, CaseViewer.From(Actor.From(http.User)), files, http, ct))
            .RequireAuthorization(Policies.Customer).ExcludeFromDescription();
        return app;
    }

    /// <summary>The body is the file itself (application/octet-stream), which no cross-site form can send.</summary>
    private static async Task<Results<Ok<AttachmentDto>, ValidationProblem, ProblemHttpResult>> Upload(
        long id, string? fileName, AttachmentService files, HttpContext http, IStringLocalizer<Strings> localizer, CancellationToken ct)
    {
        if (http.Request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) != true)
        {
            return TypedResults.Problem(title: localizer["Error.OctetStream"].Value, statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var content = await BoundedRead.ReadAsync(http.Request.Body, AttachmentService.MaxBytes, ct);
        if (content is null)
        {
            return Error.Validation("file", "Validation.FileTooLarge", AttachmentService.MaxBytes / 1024 / 1024).ToValidationProblem(localizer);
        }

        return (await files.UploadAsync(Actor.From(http.User), id, fileName, content, ct)).ToHttp(TypedResults.Ok, localizer);
    }

    /// <summary>
    /// Always a download (Content-Disposition: attachment) with nosniff and a sandboxing CSP, so a file can never
    /// run as a page of ours; images may be shown inline as a preview, still sandboxed.
    /// </summary>
    private static async Task<IResult> Download(Guid id, bool preview, CaseViewer viewer, AttachmentService files, HttpContext http, CancellationToken ct)
    {
        var file = await files.OpenAsync(id, viewer, ct);
        if (file is null)
        {
            return TypedResults.NotFound();
        }

        var inline = preview && ContentSniffer.IsImage(file.Attachment.ContentType);
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(file.Attachment.FileName);
        http.Response.Headers.ContentDisposition = disposition.ToString();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; sandbox";
        http.Response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.Stream(file.Content, file.Attachment.ContentType);
    }
}
