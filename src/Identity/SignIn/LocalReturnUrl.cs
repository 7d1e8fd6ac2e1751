namespace Notices.Identity.SignIn;

/// <summary>Return addresses after sign-in are paths on this site only: never another host (open redirect).</summary>
internal static class LocalReturnUrl
{
    /// <summary>The same rule as ASP.NET Core's IsLocalUrl: "/path", not "//host", "/\host" or an absolute URL.</summary>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return false;
        }

        return !url.Any(char.IsControl);
    }
}
