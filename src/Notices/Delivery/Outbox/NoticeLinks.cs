using Microsoft.AspNetCore.DataProtection;
using Notices.Hosting;
using Notices.Signup.Tokens;

namespace Notices.Delivery.Outbox;

/// <summary>
/// Personal sign-up links. Each released notice gets a random 256-bit link key, kept only in Data Protection's
/// protected form (<see cref="Composing.Notice.ProtectedLinkKey"/>); a recipient's token is derived from it and
/// <c>notice/employee</c>, so the release writes the token's hash with the outbox row and a worker, a retry or a
/// resend later rebuilds the same link. The database never holds a usable token.
/// </summary>
internal sealed class NoticeLinks(IDataProtectionProvider dataProtection, LinkBuilder links)
{
    /// <summary>The path of a sign-up link; the Signup module serves it.</summary>
    public const string SignupPathPrefix = "/s/";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Notices.Delivery.NoticeLinkKey.v1");

    /// <summary>A new key and its protected form for <see cref="Composing.Notice.ProtectedLinkKey"/>.</summary>
    public (byte[] Key, string Protected) NewKey()
    {
        var key = LinkToken.NewKey();
        return (key, _protector.Protect(Convert.ToBase64String(key)));
    }

    public byte[] Unprotect(string protectedKey) => Convert.FromBase64String(_protector.Unprotect(protectedKey));

    public static IssuedToken SignupToken(ReadOnlySpan<byte> key, Guid noticeId, string employeeId) =>
        LinkToken.Derive(TokenPurpose.Signup, key, $"{noticeId:N}/{employeeId}");

    /// <summary>The absolute link from the configured public base URL (never the request's Host).</summary>
    public Uri SignupLink(string token) => links.To(SignupPathPrefix + token);
}
