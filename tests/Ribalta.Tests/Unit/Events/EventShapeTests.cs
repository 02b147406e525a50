using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Ribalta.Tests.Unit.Events;

/// <summary>
/// Events are a contract: webhooks forward their payloads as stored. Every event type's JSON shape is pinned in
/// <c>event-shapes.json</c>, so a change to one is a decision (accepted by rewriting the file), never an accident.
/// </summary>
[Trait("Suite", "Unit")]
public sealed partial class EventShapeTests
{
    private const string AcceptVariable = "RIBALTA_ACCEPT_EVENT_SHAPES";

    /// <summary>Named before the past-tense rule, and stored and forwarded under this name, so it keeps it.</summary>
    private static readonly string[] NamedBeforeTheRule = ["case.system_entry"];

    private static readonly string SnapshotPath =
        Path.Combine(LocalizationTests.RepositoryRoot(), "tests", "Ribalta.Tests", "Unit", "Events", "event-shapes.json");

    [Fact]
    public void Every_event_type_keeps_its_json_shape()
    {
        var current = Current();
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(SnapshotPath, Write(current));
        }

        var pinned = File.Exists(SnapshotPath) ? Read(File.ReadAllText(SnapshotPath)) : [];
        var changes = Differences(pinned, current);
        Assert.True(changes.Count == 0, $"""
            The JSON shape of events changed. Webhooks forward these payloads as they are stored: they are a public API.
            {string.Join("\n", changes.Select(c => "  " + c))}
            If the change is deliberate, accept it by running
              {AcceptVariable}=1 dotnet test tests/Ribalta.Tests -c Release --no-build --filter "FullyQualifiedName~EventShapeTests"
            which rewrites {Path.GetRelativePath(LocalizationTests.RepositoryRoot(), SnapshotPath)}; commit it and update docs/events.md.
            """);
    }

    [Fact]
    public void Event_types_are_unique()
    {
        Assert.NotEmpty(EventCatalogue.All);
        var twice = EventCatalogue.All.GroupBy(e => e.Type).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Record.Name))}");
        Assert.Empty(twice);
    }

    [Fact]
    public void Event_types_are_dotted_lowercase_and_past_tense()
    {
        Assert.NotEmpty(EventCatalogue.All);
        var wrong = EventCatalogue.All.Select(e => e.Type).Where(t => !NamedBeforeTheRule.Contains(t) && !IsWellNamed(t));
        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("case.opened", true)]
    [InlineData("case.customer_wrote", true)]
    [InlineData("staff.signed_in", true)]
    [InlineData("kindness.budget_set", true)]
    [InlineData("case.open", false)]
    [InlineData("Case.opened", false)]
    [InlineData("case.opened.again", false)]
    [InlineData("case_opened", false)]
    [InlineData("case.system_entry", false)]
    public void The_naming_rule_tells_past_tense_from_the_rest(string type, bool wellNamed) => Assert.Equal(wellNamed, IsWellNamed(type));

    [Fact]
    public void Event_records_live_in_a_modules_contracts_and_are_sealed()
    {
        Assert.NotEmpty(EventCatalogue.All);
        var misplaced = EventCatalogue.All.Select(e => e.Record)
            .Where(t => !t.IsSealed || t.Namespace is null || !ContractsNamespace().IsMatch(t.Namespace))
            .Select(t => t.FullName);
        Assert.Empty(misplaced);
    }

    [Fact]
    public void A_changed_shape_is_reported_field_by_field()
    {
        List<KeyValuePair<string, string>> opened = [new("subject", "string"), new("channel", "string")];
        var pinned = new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>> { ["case.opened"] = opened, ["case.gone"] = [] };
        var current = new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>>
        {
            ["case.opened"] = [new("subject", "string | null"), new("priority", "string")],
            ["case.new"] = [],
        };

        Assert.Equal(
            [
                "case.gone: event type removed",
                "case.new: event type added",
                "case.opened: channel removed (was string)",
                "case.opened: priority added (string)",
                "case.opened: subject was string, now string | null",
            ],
            Differences(pinned, current));
    }

    private static bool IsWellNamed(string type) =>
        DottedName().Match(type) is { Success: true } name
        && name.Groups["action"].Value.Split('_').Any(word => word.EndsWith("ed", StringComparison.Ordinal) || IrregularPast.Contains(word));

    private static readonly HashSet<string> IrregularPast = ["wrote", "done", "set", "made", "kept", "broken", "taken", "forgotten", "sent", "withdrawn"];

    private static Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>> Current() =>
        EventCatalogue.All.ToDictionary(e => e.Type, e => EventCatalogue.Shape(e.Record));

    internal static List<string> Differences(
        IReadOnlyDictionary<string, IReadOnlyList<KeyValuePair<string, string>>> pinned,
        IReadOnlyDictionary<string, IReadOnlyList<KeyValuePair<string, string>>> current)
    {
        var changes = new List<string>();
        foreach (var type in pinned.Keys.Union(current.Keys).Order(StringComparer.Ordinal))
        {
            if (!current.TryGetValue(type, out var now))
            {
                changes.Add($"{type}: event type removed");
                continue;
            }

            if (!pinned.TryGetValue(type, out var before))
            {
                changes.Add($"{type}: event type added");
                continue;
            }

            var was = before.ToDictionary(f => f.Key, f => f.Value);
            var @is = now.ToDictionary(f => f.Key, f => f.Value);
            foreach (var path in was.Keys.Union(@is.Keys).Order(StringComparer.Ordinal))
            {
                if (!@is.TryGetValue(path, out var kind))
                {
                    changes.Add($"{type}: {path} removed (was {was[path]})");
                }
                else if (!was.TryGetValue(path, out var old))
                {
                    changes.Add($"{type}: {path} added ({kind})");
                }
                else if (old != kind)
                {
                    changes.Add($"{type}: {path} was {old}, now {kind}");
                }
            }
        }

        return changes;
    }

    private static string Write(Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>> shapes)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            foreach (var (type, fields) in shapes.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(type);
                foreach (var (path, kind) in fields)
                {
                    json.WriteString(path, kind);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>> Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.EnumerateObject().ToDictionary(
            type => type.Name,
            IReadOnlyList<KeyValuePair<string, string>> (type) => type.Value.EnumerateObject().Select(f => new KeyValuePair<string, string>(f.Name, f.Value.GetString()!)).ToList());
    }

    [GeneratedRegex(@"^[a-z]+(_[a-z]+)*\.(?<action>[a-z]+(_[a-z]+)*)$")]
    private static partial Regex DottedName();

    [GeneratedRegex(@"^Ribalta\.[A-Za-z]+\.Contracts\.Events$")]
    private static partial Regex ContractsNamespace();
}
