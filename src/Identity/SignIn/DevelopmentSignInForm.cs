using Notices.Identity.Authorization;

namespace Notices.Identity.SignIn;

/// <summary>What the development sign-in page posts.</summary>
internal sealed class DevelopmentSignInForm
{
    public string? EmployeeId { get; set; }

    public bool Author { get; set; }

    public bool Releaser { get; set; }

    public bool Admin { get; set; }

    public string? ReturnUrl { get; set; }

    public IEnumerable<string> Roles()
    {
        if (Author)
        {
            yield return NoticesRoles.Author;
        }

        if (Releaser)
        {
            yield return NoticesRoles.Releaser;
        }

        if (Admin)
        {
            yield return NoticesRoles.Admin;
        }
    }
}
