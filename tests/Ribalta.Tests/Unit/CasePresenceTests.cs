using Ribalta.Cases.ViewCase;
using Xunit;

namespace Ribalta.Tests.Unit;

[Trait("Suite", "Unit")]
public sealed class CasePresenceTests
{
    [Fact]
    public void A_person_is_never_shown_to_themselves_and_shown_once_to_others_however_many_tabs_they_have()
    {
        var presence = new CasePresence();
        Guid mine = Guid.NewGuid(), myOldTab = Guid.NewGuid(), annaTab1 = Guid.NewGuid(), annaTab2 = Guid.NewGuid(), annaTab3 = Guid.NewGuid();
        presence.Enter(7, mine, "me", "Marta Neri");
        presence.Enter(7, myOldTab, "me", "Marta Neri");
        presence.Enter(7, annaTab1, "anna", "Anna Bianchi");
        presence.Enter(7, annaTab2, "anna", "Anna Bianchi");
        presence.Replying(7, annaTab3, "anna", "Anna Bianchi", replying: true);

        var others = presence.Others(7, mine, "me");
        var anna = Assert.Single(others);
        Assert.Equal("Anna Bianchi", anna.Name);
        Assert.True(anna.Replying);
    }

    [Fact]
    public async Task A_tab_whose_connection_goes_down_leaves_at_once_and_comes_back_when_it_reconnects()
    {
        var presence = new CasePresence();
        var annaCircuit = new PresenceCircuit(presence);
        var annaTab = Guid.NewGuid();
        presence.Enter(9, annaTab, "anna", "Anna Bianchi");
        annaCircuit.Track(9, new CaseViewerPresence(annaTab, "anna", "Anna Bianchi", false));

        await annaCircuit.OnConnectionDownAsync(null!, default);
        Assert.Empty(presence.Others(9, Guid.NewGuid(), "me"));

        await annaCircuit.OnConnectionUpAsync(null!, default);
        Assert.Equal("Anna Bianchi", Assert.Single(presence.Others(9, Guid.NewGuid(), "me")).Name);

        annaCircuit.Forget(annaTab);
        presence.Leave(9, annaTab);
        await annaCircuit.OnConnectionUpAsync(null!, default);
        Assert.Empty(presence.Others(9, Guid.NewGuid(), "me"));
    }
}
