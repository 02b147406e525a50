using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>Every string exists in English, Italian, Spanish and Arabic, and every key the code names exists.</summary>
[Trait("Suite", "Unit")]
public sealed partial class LocalizationTests
{
    private static readonly string Source = Path.Combine(RepositoryRoot(), "src", "Ribalta");

    private static Dictionary<string, string> Load(string suffix) =>
        XDocument.Load(Path.Combine(Source, "Platform", "Localization", $"Strings{suffix}.resx"))
            .Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Theory]
    [InlineData(".it")]
    [InlineData(".es")]
    [InlineData(".ar")]
    public void Each_language_has_exactly_the_english_keys_with_the_same_placeholders(string suffix)
    {
        var english = Load("");
        var other = Load(suffix);
        Assert.Empty(english.Keys.Except(other.Keys));
        Assert.Empty(other.Keys.Except(english.Keys));
        foreach (var (key, value) in english)
        {
            Assert.False(string.IsNullOrWhiteSpace(other[key]), $"{key} is empty in {suffix}");
            Assert.Equal(Placeholders(value), Placeholders(other[key]));
        }
    }

    [Fact]
    public void Every_key_the_code_names_is_in_the_resources()
    {
        var english = Load("");
        var files = Directory.EnumerateFiles(Source, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/Migrations/", StringComparison.Ordinal));
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (Match match in KeyPattern().Matches(text))
            {
                var key = match.Groups["key"].Value;
                if (!english.ContainsKey(key))
                {
                    missing.Add($"{key} ({Path.GetFileName(file)})");
                }
            }
        }

        Assert.Empty(missing);
    }

    /// <summary>Every event a customer's timeline or the audit log can show reads as words, not as its type.</summary>
    [Fact]
    public void Every_event_type_has_words()
    {
        var english = Load("");
        var types = Events.EventCatalogue.All.Select(e => e.Type).ToList();
        Assert.Contains(Ribalta.Empowerment.Contracts.Events.HelpAnswered.Type, types);
        Assert.Equal([], types.Where(t => !english.ContainsKey($"Event.{t}")).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Role.", new[] { "Frontline", "TeamLead", "Manager", "Department", "Executive", "Admin" })]
    [InlineData("Relationship.", new[] { "EndConsumer", "Distributor", "Retailer", "Agent", "Partner" })]
    [InlineData("Contact.", new[] { "Email", "Phone", "Handle" })]
    [InlineData("ActorKind.", new[] { "System", "Staff", "Customer", "Integration" })]
    [InlineData("Event.", new[] { "customer.created", "customer.edited", "customer.merged", "customers.imported", "customer.portal_link_issued", "customer.portal_signed_in", "segment.created", "staff.invited", "staff.joined", "staff.roles_changed", "staff.deactivated", "staff.reactivated", "staff.setup_completed", "staff.signed_in", "staff.locked_out" })]
    public void Names_built_at_run_time_are_translated(string prefix, string[] names)
    {
        var english = Load("");
        Assert.All(names, n => Assert.True(english.ContainsKey(prefix + n), prefix + n));
    }

    private static string[] Placeholders(string text) => PlaceholderPattern().Matches(text).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ribalta.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Ribalta.slnx not found above the test binaries");
    }

    [GeneratedRegex(@"(?:\bL|localizer|Localizer)\[""(?<key>[A-Za-z]+\.[A-Za-z0-9_.]+)""|""(?<key>(?:Validation|Error|Import|Login|TwoFactor)\.[A-Za-z0-9_]+)""")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();
}
