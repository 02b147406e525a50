using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.CreateCustomer;
using Ribalta.Customers.Domain;
using Ribalta.Customers.EditCustomer;
using Ribalta.Customers.ImportCustomers;
using Ribalta.Customers.MergeCustomers;
using Ribalta.Customers.PortalAccess;
using Ribalta.Customers.SearchCustomers;
using Ribalta.Customers.Segments;
using Ribalta.Customers.ViewCustomer;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;
using Ribalta.Platform.Web;

namespace Ribalta.Customers;

public sealed record MergeRequest(Guid SourceId);

public sealed record PortalLinkResponse(string Url, DateTimeOffset ExpiresAt);

/// <summary>A sign-in link was put in the outbox for this address.</summary>
public sealed record PortalLinkEmailed(string EmailedTo);

public sealed record CreateSegmentRequest(string? Name, string? Description);

public sealed record ImportReportResponse(int Rows, int Imported, int Skipped, string? FileError, IReadOnlyList<ImportRowErrorResponse> Errors);

public sealed record ImportRowErrorResponse(int Row, string Column, string Message);

/// <summary>REST surface of the Customers module under <c>/api/v1</c>.</summary>
internal static class CustomersApi
{
    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/api/v1/customers").RequireAuthorization(Policies.Staff).WithTags("Customers");
        customers.MapGet("", Search).WithName("SearchCustomers");
        customers.MapPost("", Create).RequireAuthorization(Policies.CustomersWrite);
        customers.MapGet("/{id:guid}", Get).WithName("GetCustomer");
        customers.MapPut("/{id:guid}", Edit).RequireAuthorization(Policies.CustomersWrite);
        customers.MapGet("/{id:guid}/timeline", Timeline);
        customers.MapPost("/{id:guid}/merge", Merge).RequireAuthorization(Policies.CustomersManage);
        customers.MapPost("/{id:guid}/portal-links", IssuePortalLink).RequireAuthorization(Policies.CustomersWrite);
        customers.MapPost("/{id:guid}/portal-links/email", EmailPortalLink).RequireAuthorization(Policies.CustomersWrite)
            .WithSummary("Mail the customer a sign-in link for the portal (to their first email); answers where it went");
        customers.MapPost("/import", Import).RequireAuthorization(Policies.CustomersManage).Accepts<string>("text/csv");

        var segments = app.MapGroup("/api/v1/segments").RequireAuthorization(Policies.Staff).WithTags("Customers");
        segments.MapGet("", ListSegments);
        segments.MapPost("", CreateSegment).RequireAuthorization(Policies.CustomersManage);
        return app;
    }

    private static async Task<Ok<CustomerPage>> Search(
        CustomerSearch search,
        string? q,
        Guid? segment,
        RelationshipType? relationship,
        string? language,
        string? after,
        int? limit,
        CancellationToken ct) =>
        TypedResults.Ok(await search.SearchAsync(new CustomerQuery(q, segment, relationship, language, after, limit ?? 50), ct));

    private static async Task<Results<Created<CustomerDetails>, ValidationProblem, ProblemHttpResult>> Create(
        CustomerInput input,
        CreateCustomerHandler handler,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct)
    {
        var result = await handler.HandleAsync(Actor.From(http.User), input, ct);
        if (result.IsSuccess)
        {
            http.Response.Headers.ETag = ETags.Format(result.Value.Version);
        }

        return result.ToHttp(c => TypedResults.Created($"/api/v1/customers/{c.Id}", c), localizer);
    }

    private static async Task<Results<Ok<CustomerDetails>, NotFound>> Get(Guid id, CustomerReader reader, HttpContext http, CancellationToken ct)
    {
        var customer = await reader.FindAsync(id, ct);
        if (customer is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = ETags.Format(customer.Version);
        return TypedResults.Ok(customer);
    }

    /// <summary>Requires <c>If-Match</c> with the ETag that was read, so two editors never silently overwrite each other.</summary>
    private static async Task<Results<Ok<CustomerDetails>, ValidationProblem, ProblemHttpResult>> Edit(
        Guid id,
        CustomerInput input,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        EditCustomerHandler handler,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct)
    {
        if (!ETags.TryParse(ifMatch, out var version))
        {
            return TypedResults.Problem(title: localizer["Error.IfMatchRequired"].Value, statusCode: StatusCodes.Status428PreconditionRequired);
        }

        var result = await handler.HandleAsync(Actor.From(http.User), id, version, input, ct);
        if (result.IsSuccess)
        {
            http.Response.Headers.ETag = ETags.Format(result.Value.Version);
        }

        return result.ToHttp(TypedResults.Ok, localizer);
    }

    private static async Task<Results<Ok<TimelinePage>, NotFound>> Timeline(Guid id, long? before, CustomerReader reader, CancellationToken ct) =>
        await reader.TimelineAsync(id, before, ct) is { } page ? TypedResults.Ok(page) : TypedResults.NotFound();

    private static async Task<Results<Ok<CustomerDetails>, ValidationProblem, ProblemHttpResult>> Merge(
        Guid id,
        MergeRequest request,
        MergeCustomersHandler handler,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await handler.HandleAsync(Actor.From(http.User), id, request.SourceId, ct)).ToHttp(TypedResults.Ok, localizer);

    private static async Task<Results<Ok<PortalLinkResponse>, ValidationProblem, ProblemHttpResult>> IssuePortalLink(
        Guid id,
        PortalLinks links,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await links.IssueAsync(Actor.From(http.User), id, ct))
            .ToHttp(l => TypedResults.Ok(new PortalLinkResponse(PortalUrl(http.Request, l.Token), l.ExpiresAt)), localizer);

    private static async Task<Results<Accepted<PortalLinkEmailed>, ValidationProblem, ProblemHttpResult>> EmailPortalLink(
        Guid id,
        PortalLinks links,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await links.EmailAsync(Actor.From(http.User), id, null, System.Globalization.CultureInfo.CurrentUICulture.Name, ct))
            .ToHttp(to => TypedResults.Accepted((string?)null, new PortalLinkEmailed(to)), localizer);

    private static async Task<Results<Ok<ImportReportResponse>, ProblemHttpResult>> Import(
        HttpContext http,
        CustomerImport import,
        IStringLocalizer<Strings> localizer,
        bool? skipInvalidRows,
        CancellationToken ct)
    {
        // A text/csv body cannot be sent cross-site by a plain form, so cookie-authenticated imports are not forgeable.
        if (http.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
        {
            return TypedResults.Problem(title: localizer["Import.ContentType"].Value, statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var report = await import.RunAsync(Actor.From(http.User), http.Request.Body, skipInvalidRows ?? false, null, ct);
        var response = ToResponse(report, localizer);
        if (report.FileError is not null)
        {
            return TypedResults.Problem(title: response.FileError, statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { ["code"] = report.FileError });
        }

        if (report.Imported == 0 && report.Errors.Count > 0)
        {
            return TypedResults.Problem(
                title: localizer["Import.Refused", report.Errors.Count].Value,
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["code"] = "Import.Refused", ["rows"] = response.Errors });
        }

        return TypedResults.Ok(response);
    }

    private static async Task<Ok<IReadOnlyList<SegmentDto>>> ListSegments(SegmentCatalogue catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.ListAsync(ct));

    private static async Task<Results<Created<SegmentDto>, ValidationProblem, ProblemHttpResult>> CreateSegment(
        CreateSegmentRequest request,
        SegmentCatalogue catalogue,
        HttpContext http,
        IStringLocalizer<Strings> localizer,
        CancellationToken ct) =>
        (await catalogue.CreateAsync(Actor.From(http.User), request.Name, request.Description, ct))
            .ToHttp(s => TypedResults.Created($"/api/v1/segments/{s.Id}", s), localizer);

    public static ImportReportResponse ToResponse(ImportReport report, IStringLocalizer<Strings> localizer) => new(
        report.Rows,
        report.Imported,
        report.Skipped,
        report.FileError is null ? null : localizer[report.FileError, report.FileErrorArgs ?? []].Value,
        report.Errors.Select(e => new ImportRowErrorResponse(e.Row, e.Field, localizer[e.MessageKey, e.Args].Value)).ToList());

    public static string PortalUrl(HttpRequest request, string token) => $"{request.Scheme}://{request.Host}/{PortalLinks.SignInPath(token)}";
}
