using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Customers.ImportCustomers;

public sealed record ImportReportResponse(int Rows, int Imported, int Skipped, string? FileError, IReadOnlyList<ImportRowErrorResponse> Errors);

public sealed record ImportRowErrorResponse(int Row, string Column, string Message);

internal static class ImportCustomersEndpoints
{
    /// <summary>On the customers group (<c>/api/v1/customers</c>, any member of staff).</summary>
    public static IEndpointRouteBuilder MapImportCustomers(this IEndpointRouteBuilder customers)
    {
        customers.MapPost("/import", Import).RequireAuthorization(Policies.CustomersManage).Accepts<string>("text/csv");
        return customers;
    }

    private static async Task<Results<Ok<ImportReportResponse>, ProblemHttpResult>> Import(
        HttpContext http,
        CustomerImport import,
        Actor actor,
        IStringLocalizer<Strings> localizer,
        bool? skipInvalidRows,
        CancellationToken ct)
    {
        // A text/csv body cannot be sent cross-site by a plain form, so cookie-authenticated imports are not forgeable.
        if (http.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
        {
            return TypedResults.Problem(title: localizer["Import.ContentType"].Value, statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var report = await import.RunAsync(actor, http.Request.Body, skipInvalidRows ?? false, null, ct);
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

    private static ImportReportResponse ToResponse(ImportReport report, IStringLocalizer<Strings> localizer) => new(
        report.Rows,
        report.Imported,
        report.Skipped,
        report.FileError is null ? null : localizer[report.FileError, report.FileErrorArgs ?? []].Value,
        report.Errors.Select(e => new ImportRowErrorResponse(e.Row, e.Field, localizer[e.MessageKey, e.Args].Value)).ToList());
}
