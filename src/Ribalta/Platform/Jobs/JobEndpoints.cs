using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Jobs;

/// <summary><c>/api/v1/jobs</c>: administrators see the background jobs and ask one to run now.</summary>
internal static class JobEndpoints
{
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v1/jobs").RequireAuthorization(Policies.StaffAdmin).WithTags("Operations");
        jobs.MapGet("", async (JobBoard board, CancellationToken ct) => TypedResults.Ok(await board.ListAsync(ct)))
            .WithSummary("The background jobs: schedule, whether one runs now and on which node, last success, last error");
        jobs.MapPost("/{name}/run", RunAsync).WithSummary("Run a job now (it starts within a second unless it is running already)");
        return app;
    }

    private static async Task<Results<Accepted<JobDto>, ValidationProblem, ProblemHttpResult>> RunAsync(
        string name, JobBoard board, Actor actor, IStringLocalizer<Strings> localizer, CancellationToken ct) =>
        (await board.RunNowAsync(actor, name, ct)).ToHttp(j => TypedResults.Accepted("/api/v1/jobs", j), localizer);
}
