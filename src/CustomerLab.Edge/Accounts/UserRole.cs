namespace CustomerLab.Edge.Accounts;

/// <summary>
/// What a signed-in user may do in the console. An <see cref="Admin"/> manages sites and users and reads every site; an
/// <see cref="Analyst"/> reads the call log, the reports and the pools of the sites on their list (<see cref="SiteAccess"/>).
/// A user stored without a role (created before roles existed) is an analyst of their list, as before.
/// </summary>
public enum UserRole
{
    Analyst,
    Admin,
}

/// <summary>The stored and typed names of <see cref="UserRole"/>: <c>analyst</c>, <c>admin</c>.</summary>
public static class UserRoles
{
    public const string Analyst = "analyst";
    public const string Admin = "admin";

    public static string Name(this UserRole role) => role == UserRole.Admin ? Admin : Analyst;

    /// <summary>The stored form back: <c>admin</c> is an admin; anything else (none, empty) an analyst.</summary>
    public static UserRole Parse(string? stored) => stored == Admin ? UserRole.Admin : UserRole.Analyst;

    /// <summary>What an operator typed after <c>--role</c>; null when it is neither name.</summary>
    public static UserRole? FromArgument(string argument) => argument switch
    {
        Admin => UserRole.Admin,
        Analyst => UserRole.Analyst,
        _ => null,
    };
}

/// <summary>A user's role and site list together: what <see cref="MayRead"/> answers for every console page and report.</summary>
public sealed record UserAccess(UserRole Role, SiteAccess Sites)
{
    public static readonly UserAccess None = new(UserRole.Analyst, SiteAccess.None);

    public bool IsAdmin => Role == UserRole.Admin;

    /// <summary>An admin reads every site; an analyst the sites on their list.</summary>
    public bool MayRead(string site) => IsAdmin || Sites.Allows(site);
}
