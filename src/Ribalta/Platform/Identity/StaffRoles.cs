namespace Ribalta.Platform.Identity;

/// <summary>The staff roles. Customers are not a role: they sign in to the portal under their own scheme.</summary>
public static class StaffRoles
{
    public const string Frontline = "Frontline";
    public const string TeamLead = "TeamLead";
    public const string Manager = "Manager";
    public const string Department = "Department";
    public const string Executive = "Executive";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Frontline, TeamLead, Manager, Department, Executive, Admin];

    /// <summary>The roles that work cases (<see cref="Policies.CasesWork"/>): only people with one of them can be assigned a case.</summary>
    public static readonly IReadOnlyList<string> WorkCases = [Frontline, TeamLead, Manager, Department, Admin];

    public static bool MayWorkCases(IEnumerable<string> roles) => roles.Any(r => WorkCases.Contains(r, StringComparer.Ordinal));

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>At least one role, each of them known.</summary>
    internal static void Validate(Errors.ValidationBuilder validation, IReadOnlyCollection<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            validation.Add("roles", "Validation.RoleRequired");
        }
        else if (roles.FirstOrDefault(r => !IsKnown(r)) is { } unknown)
        {
            validation.Add("roles", "Validation.RoleUnknown", unknown);
        }
    }
}

/// <summary>Authorization policies, named by what they allow. Endpoints and pages name a policy, never a role list.</summary>
public static class Policies
{
    public const string Staff = "staff";
    public const string CustomersWrite = "customers.write";
    public const string CustomersManage = "customers.manage";
    public const string CasesWork = "cases.work";
    public const string CasesManage = "cases.manage";
    public const string StaffAdmin = "staff.admin";
    public const string AuditRead = "audit.read";
    public const string InsightsRead = "insights.read";
    public const string Customer = "customer";

    public const string CustomerScheme = "Customer";
}
