using System.ComponentModel.DataAnnotations;

namespace Notices.Identity.SignIn;

/// <summary>How a signed-in person is matched to the staff directory, and the session cookie (<c>Notices:SignIn</c>).</summary>
public sealed class SignInOptions
{
    public const string Section = "Notices:SignIn";

    /// <summary>Which claim identifies the employee: the work email (default) or an employee id claim.</summary>
    [EnumDataType(typeof(EmployeeClaimSource), ErrorMessage = "Notices:SignIn:EmployeeClaim must be Email or EmployeeId.")]
    public EmployeeClaimSource EmployeeClaim { get; set; } = EmployeeClaimSource.Email;

    /// <summary>The claim holding the employee id when <see cref="EmployeeClaim"/> is EmployeeId (an Entra optional claim).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Notices:SignIn:EmployeeIdClaimType must name a claim.")]
    public string EmployeeIdClaimType { get; set; } = "employeeid";

    /// <summary>Idle lifetime of the session cookie; each request within it slides it on.</summary>
    [Range(5, 24 * 60, ErrorMessage = "Notices:SignIn:SessionMinutes must be between 5 and 1440.")]
    public int SessionMinutes { get; set; } = 8 * 60;
}

public enum EmployeeClaimSource
{
    /// <summary>preferred_username, upn or email, matched case-insensitively on work email.</summary>
    Email,

    /// <summary>The claim named by <see cref="SignInOptions.EmployeeIdClaimType"/>, matched exactly on employee id.</summary>
    EmployeeId,
}
