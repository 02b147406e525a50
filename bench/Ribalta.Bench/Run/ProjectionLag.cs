using System.Net.Http.Json;
using System.Text.Json;

namespace Ribalta.Bench.Run;

/// <summary>How far behind the log one projection was while a scenario ran (seconds), from samples of <c>GET /api/v1/projections</c>.</summary>
internal sealed record LagResult(string During, string Projection, int Samples, double P50, double P99, double Max);

/// <summary>
/// Samples every projection's lag (the age of the oldest event it has not handled) four times a second while a
/// scenario runs. The server computes the lag on its own clock, so the driver's clock does not enter into it.
/// </summary>
internal sealed class ProjectionLag
{
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    private ProjectionLag(HttpClient client) => _sampling = SampleAsync(client, _stop.Token);

    public static ProjectionLag Start(HttpClient client) => new(client);

    public async Task<IReadOnlyList<LagResult>> StopAsync(string during)
    {
        await _stop.CancelAsync();
        await _sampling;
        return _samples.Select(s =>
        {
            var sorted = s.Value.Order().ToList();
            return new LagResult(during, s.Key, sorted.Count, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Count == 0 ? 0 : sorted[^1]);
        }).ToList();
    }

    private async Task SampleAsync(HttpClient client, CancellationToken ct)
    {
        // Bounded: at most 4 samples a second for at most an hour.
        for (var i = 0; i < 4 * 3600 && !ct.IsCancellationRequested; i++)
        {
            try
            {
                using var response = await client.GetAsync("/api/v1/projections", ct);
                if (response.IsSuccessStatusCode)
                {
                    foreach (var projection in (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).EnumerateArray())
                    {
                        var name = projection.GetProperty("name").GetString()!;
                        if (!_samples.TryGetValue(name, out var list))
                        {
                            _samples[name] = list = [];
                        }

                        list.Add(projection.GetProperty("lagSeconds").GetDouble());
                    }
                }

                await Task.Delay(250, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // The server is busy or restarting: a missed sample, not a failed run.
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
