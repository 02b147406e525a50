using Ribalta.Platform.Identity;
using Xunit;

namespace Ribalta.Tests.Unit;

/// <summary>Who works cases: anyone holding at least one working role, whatever else they hold.</summary>
[Trait("Suite", "Unit")]
public sealed class StaffRolesTests
{
    [Fact]
    public void One_working_role_among_others_is_enough_and_executives_alone_do_not_work_cases()
    {
        Assert.True(StaffRoles.MayWorkCases([StaffRoles.Executive, StaffRoles.Frontline]));
        Assert.True(StaffRoles.MayWorkCases([StaffRoles.Department]));
        Assert.False(StaffRoles.MayWorkCases([StaffRoles.Executive]));
        Assert.False(StaffRoles.MayWorkCases([]));
        Assert.False(StaffRoles.MayWorkCases(["frontline"]));
        Assert.True(StaffRoles.IsKnown(StaffRoles.Admin));
        Assert.False(StaffRoles.IsKnown("admin"));
    }
}
