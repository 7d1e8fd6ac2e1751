namespace Notices.Identity.Authorization;

/// <summary>The Entra ID app roles (and development roles) Notices knows.</summary>
public static class NoticesRoles
{
    public const string Author = "Notices.Author";
    public const string Releaser = "Notices.Releaser";
    public const string Admin = "Notices.Admin";

    public static readonly IReadOnlyList<string> All = [Author, Releaser, Admin];
}

/// <summary>Authorization policy names; every page and endpoint names one of these.</summary>
public static class NoticesPolicies
{
    /// <summary>Composes notices.</summary>
    public const string Author = "Author";

    /// <summary>Releases a submitted notice.</summary>
    public const string Releaser = "Releaser";

    /// <summary>Directory, settings and audit.</summary>
    public const string Admin = "Admin";

    /// <summary>Reads notices, their audience and their delivery: authors and releasers (a releaser must find what to release).</summary>
    public const string NoticeReader = "NoticeReader";

    /// <summary>Follows answers, dashboards and rosters: authors, releasers and admins (leadership and HR).</summary>
    public const string ResponsesReader = "ResponsesReader";

    /// <summary>Browses the staff directory: admins and authors.</summary>
    public const string DirectoryReader = "DirectoryReader";

    /// <summary>Any signed-in person who maps to an employee in the directory.</summary>
    public const string Employee = "Employee";

    /// <summary>An employee the directory shows with direct reports, or a delegate of one.</summary>
    public const string Supervisor = "Supervisor";

    /// <summary>Decides approval requests: a supervisor (or delegate), or an admin, who works the HR queue.</summary>
    public const string Approver = "Approver";
}

/// <summary>
/// Claims Notices adds after sign-in, from the staff directory. Any incoming claim with the <see cref="Prefix"/>
/// is removed first, so a token can never grant them.
/// </summary>
public static class NoticesClaimTypes
{
    public const string Prefix = "notices:";

    /// <summary>The directory employee id the signed-in person maps to; absent when nobody matches.</summary>
    public const string EmployeeId = "notices:employee_id";

    /// <summary>"true" when the person has active direct reports or a supervisor delegation.</summary>
    public const string Supervisor = "notices:supervisor";
}
