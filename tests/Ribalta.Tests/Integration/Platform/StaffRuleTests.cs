using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Identity;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Platform;

/// <summary>The rules around roles and deactivation: the last administrator, oneself, audit, and sessions that end at once.</summary>
public abstract partial class StaffTests
{
    [Fact]
    public async Task The_last_active_administrator_cannot_give_up_the_role()
    {
        var email = Api.Unique("sole") + "@staff.test";
        var sole = await App.CreateStaffAsync(email, "Sole Admin", [StaffRoles.Admin]);
        var client = await App.SignInAsync(email, RibaltaApp.Password);

        // Every other administrator inactive for the length of the test: this one is the last, an inactive one does not count.
        var others = await OtherActiveAdminsAsync(sole.Id);
        Assert.NotEmpty(others);
        await SetActiveInDatabaseAsync(others, false);
        try
        {
            var refused = await client.PutAsJsonAsync($"/api/v1/staff/{sole.Id}/roles", new { roles = new[] { "Frontline" } });
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "Error.LastAdmin");
            Assert.Equal([StaffRoles.Admin], await RolesOfAsync(sole.Id));
            Assert.Equal(0, await AuditCountAsync(client, StaffRolesChanged.Type, sole.Id));

            // Keeping the role while adding another is no loss.
            var kept = await client.PutAsJsonAsync($"/api/v1/staff/{sole.Id}/roles", new { roles = new[] { StaffRoles.Admin, "Manager" } });
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }
        finally
        {
            await SetActiveInDatabaseAsync(others, true);
        }

        // With another administrator active again, the role can go.
        var released = await client.PutAsJsonAsync($"/api/v1/staff/{sole.Id}/roles", new { roles = new[] { "Frontline" } });
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(["Frontline"], await RolesOfAsync(sole.Id));
    }

    [Fact]
    public async Task Nobody_deactivates_themselves()
    {
        var email = Api.Unique("self") + "@staff.test";
        var self = await App.CreateStaffAsync(email, "Self Admin", [StaffRoles.Admin]);
        var client = await App.SignInAsync(email, RibaltaApp.Password);

        var refused = await client.PostAsync($"/api/v1/staff/{self.Id}/deactivate", null);
        await refused.AssertProblemAsync(HttpStatusCode.Conflict, "Error.CannotDeactivateSelf");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(0, await AuditCountAsync(client, StaffDeactivated.Type, self.Id));
    }

    [Fact]
    public async Task Deactivation_ends_the_person_s_sessions_at_once_and_each_change_is_audited_once()
    {
        var admin = await App.AsAdmin();
        var email = Api.Unique("gone") + "@staff.test";
        var user = await App.CreateStaffAsync(email, "Gone Person", ["Frontline"]);
        var session = await App.SignInAsync(email, RibaltaApp.Password);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/staff/{Guid.NewGuid()}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/staff/{user.Id}/deactivate", null)).StatusCode);

        // No waiting for the security stamp's re-validation: the server-side session is over now.
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/v1/me")).StatusCode);

        // Deactivating again changes nothing and records nothing.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/staff/{user.Id}/deactivate", null)).StatusCode);
        Assert.Equal(1, await AuditCountAsync(admin, StaffDeactivated.Type, user.Id));
        Assert.Equal(0, await AuditCountAsync(admin, StaffReactivated.Type, user.Id));
        var deactivated = await (await admin.GetAsync($"/api/v1/audit?type={StaffDeactivated.Type}&subject={user.Id}")).ReadJsonAsync();
        Assert.Equal("staff", deactivated.GetProperty("items")[0].GetProperty("subjectType").GetString());

        var listed = await (await admin.GetAsync("/api/v1/staff")).ReadJsonAsync();
        Assert.False(listed.EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == user.Id).GetProperty("isActive").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/staff/{user.Id}/reactivate", null)).StatusCode);
        Assert.Equal(1, await AuditCountAsync(admin, StaffReactivated.Type, user.Id));
        Assert.Equal(1, await AuditCountAsync(admin, StaffDeactivated.Type, user.Id));
        await App.SignInAsync(email, RibaltaApp.Password);
    }

    [Fact]
    public async Task A_role_change_needs_at_least_one_known_role_and_records_before_and_after()
    {
        var admin = await App.AsAdmin();
        var user = await App.CreateStaffAsync(Api.Unique("roles") + "@staff.test", "Role Person", ["TeamLead", "Frontline"]);

        await (await admin.PutAsJsonAsync($"/api/v1/staff/{user.Id}/roles", new { roles = Array.Empty<string>() })).AssertRefusedAsync("roles", "Choose at least one role.");
        await (await admin.PutAsJsonAsync($"/api/v1/staff/{user.Id}/roles", new { roles = (string[]?)null })).AssertRefusedAsync("roles");
        await (await admin.PutAsJsonAsync($"/api/v1/staff/{user.Id}/roles", new { roles = new[] { "Frontline", "Overlord" } })).AssertRefusedAsync("roles", "\"Overlord\" is not a role");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/v1/staff/{Guid.NewGuid()}/roles", new { roles = new[] { "Frontline" } })).StatusCode);
        Assert.Equal(["Frontline", "TeamLead"], await RolesOfAsync(user.Id));
        Assert.Equal(0, await AuditCountAsync(admin, StaffRolesChanged.Type, user.Id));

        // A repeated role counts once.
        var changed = await admin.PutAsJsonAsync($"/api/v1/staff/{user.Id}/roles", new { roles = new[] { "Manager", "Frontline", "Manager" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(["Frontline", "Manager"], await RolesOfAsync(user.Id));
        var audit = await (await admin.GetAsync($"/api/v1/audit?type={StaffRolesChanged.Type}&subject={user.Id}")).ReadJsonAsync();
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("staff", entry.GetProperty("subjectType").GetString());
        var payload = System.Text.Json.JsonDocument.Parse(entry.GetProperty("payload").GetString()!).RootElement;
        Assert.Equal(["Frontline", "TeamLead"], payload.GetProperty("before").EnumerateArray().Select(r => r.GetString()!));
        Assert.Equal(["Frontline", "Manager"], payload.GetProperty("after").EnumerateArray().Select(r => r.GetString()!));
    }

    [Fact]
    public async Task An_invitation_ends_exactly_at_its_expiry_and_odd_tokens_find_nothing()
    {
        // On a whole second, so that the stored expiry is exact on both providers.
        App.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (App.Clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond)));
        var admin = await App.AsAdmin();
        var invite = await admin.PostAsJsonAsync("/api/v1/staff/invitations", new { email = Api.Unique("edge") + "@staff.test", displayName = "Edge", roles = new[] { "Frontline" } });
        var url = (await invite.ReadJsonAsync()).GetProperty("url").GetString()!;
        var token = url[(url.LastIndexOf('/') + 1)..];
        var anonymous = App.Anonymous();
        foreach (var odd in new[] { " ", token + new string('x', 101), token[..^1] })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = odd, password = RibaltaApp.Password })).StatusCode);
        }

        App.Clock.Advance(StaffInvitations.InvitationLifetime);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = RibaltaApp.Password })).StatusCode);
    }

    private Task<List<Guid>> OtherActiveAdminsAsync(Guid except) => App.WithServices(services =>
    {
        var db = services.GetRequiredService<RibaltaDbContext>();
        return (from ur in db.UserRoles
                join r in db.Roles on ur.RoleId equals r.Id
                join u in db.Users on ur.UserId equals u.Id
                where r.Name == StaffRoles.Admin && u.IsActive && u.Id != except
                select u.Id).ToListAsync();
    });

    private Task<int> SetActiveInDatabaseAsync(List<Guid> ids, bool active) => App.WithServices(services =>
        services.GetRequiredService<RibaltaDbContext>().Users.Where(u => ids.Contains(u.Id)).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, active)));

    private Task<List<string>> RolesOfAsync(Guid userId) => App.WithServices(async services =>
    {
        var db = services.GetRequiredService<RibaltaDbContext>();
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync();
        return roles.Order(StringComparer.Ordinal).ToList();
    });

    private static async Task<int> AuditCountAsync(HttpClient client, string type, Guid subject) =>
        (await (await client.GetAsync($"/api/v1/audit?type={type}&subject={subject}")).ReadJsonAsync()).GetProperty("items").GetArrayLength();
}
