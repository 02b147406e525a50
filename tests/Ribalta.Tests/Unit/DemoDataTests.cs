using Ribalta.Demo;
using Xunit;

namespace Ribalta.Tests.Unit;

[Trait("Suite", "Unit")]
public sealed class DemoDataTests
{
    private static readonly Guid[] Segments = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

    [Fact]
    public void The_same_seed_gives_the_same_people()
    {
        var first = DemoSeeder.Customers(new Random(7), 200, Segments).ToList();
        var second = DemoSeeder.Customers(new Random(7), 200, Segments).ToList();
        Assert.Equal(first.Select(c => (c.DisplayName, c.Emails![0], c.Notes)), second.Select(c => (c.DisplayName, c.Emails![0], c.Notes)));
        Assert.NotEqual(first.Select(c => c.DisplayName), DemoSeeder.Customers(new Random(8), 200, Segments).Select(c => c.DisplayName));
    }

    [Fact]
    public void Demo_people_speak_all_four_languages_and_have_every_relationship()
    {
        var people = DemoSeeder.Customers(new Random(2026), 300, Segments).ToList();
        Assert.Equal(["ar", "en", "es", "it"], people.Select(p => p.PreferredLanguage!).Distinct().Order());
        Assert.Equal(5, people.Select(p => p.Relationship).Distinct().Count());
        Assert.All(people, p => Assert.True(Ribalta.Customers.Domain.CustomerInputRules.ValidateShape(p).IsValid, p.DisplayName));
        Assert.Equal(people.Count, people.Select(p => p.Emails![0]).Distinct().Count());
    }
}
