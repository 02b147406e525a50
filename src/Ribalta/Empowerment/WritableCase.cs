using Ribalta.Cases.Contracts;
using Ribalta.Platform.Errors;

namespace Ribalta.Empowerment;

internal static class WritableCase
{
    /// <summary>The case, when it exists and is not closed (what is granted, asked or promised on it needs it open).</summary>
    public static async Task<Result<CaseRef>> OpenCaseAsync(this ICaseDirectory cases, long caseId, CancellationToken ct) =>
        await cases.FindAsync(caseId, ct) switch
        {
            null => Error.NotFound(),
            { Status: CaseStatus.Closed } => Error.Conflict("Error.CaseClosed"),
            var found => found,
        };
}
