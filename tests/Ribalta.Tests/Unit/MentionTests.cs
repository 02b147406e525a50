using Xunit;

namespace Ribalta.Tests.Unit;

[Trait("Suite", "Unit")]
public sealed class MentionTests
{
    private static readonly Ribalta.Cases.Mentions.Mentionable Ana = new(Guid.NewGuid(), "Ana Ruiz", "ana");
    private static readonly Ribalta.Cases.Mentions.Mentionable Nicolo = new(Guid.NewGuid(), "Niccolò Bianchi", "nbianchi");
    private static readonly Ribalta.Cases.Mentions.Mentionable Rana = new(Guid.NewGuid(), "رنا حداد", "rana");

    [Theory]
    [InlineData("@Ana Ruiz can you check the refund?", "Ana Ruiz")]
    [InlineData("Asking @ana.", "Ana Ruiz")]
    [InlineData("@niccolo bianchi e @rana, guardate voi", "Niccolò Bianchi,رنا حداد")]
    [InlineData("يرجى المتابعة @رنا حداد", "رنا حداد")]
    [InlineData("Mail ana@example.org about it", "")]
    [InlineData("@anatole is someone else", "")]
    [InlineData("No one here", "")]
    public void Notes_mention_people_by_name_or_handle_and_not_inside_addresses(string note, string expected)
    {
        var found = Ribalta.Cases.Mentions.MentionParser.Find(note, [Ana, Nicolo, Rana]);
        var names = new[] { Ana, Nicolo, Rana }.Where(p => found.Contains(p.Id)).Select(p => p.DisplayName);
        Assert.Equal(expected, string.Join(',', names));
    }
}
