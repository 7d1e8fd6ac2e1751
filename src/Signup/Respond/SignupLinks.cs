using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Released;
using Notices.Signup.Tokens;

namespace Notices.Signup.Respond;

/// <summary>A sign-up link that checked out: the notice, the person, and whether answers are still taken.</summary>
/// <param name="DeliveredAt">When the notice email reached the relay (for telling a person's first view from a scanner's).</param>
internal sealed record ResolvedLink(ReleasedNotice Notice, StaffMember Employee, bool Open, DateTimeOffset? DeliveredAt = null)
{
    public Guid NoticeId => Notice.Id;

    public string EmployeeId => Employee.EmployeeId;
}

/// <summary>
/// Resolves a presented sign-up token. Malformed, unknown, expired, cancelled-notice and no-longer-eligible tokens
/// all come back as null: the page says the same thing for each, so a link reveals nothing about why.
/// </summary>
internal sealed class SignupLinks(
    IReleasedNotices notices,
    IStaffDirectory directory,
    SignupLinkCache cache,
    IOptions<SignupOptions> options,
    TimeProvider time)
{
    public async Task<ResolvedLink?> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is null || !LinkToken.TryHash(TokenPurpose.Signup, token, out var hash))
        {
            return null;
        }

        var (invitation, employee) = await FindAsync(hash, cancellationToken);
        if (invitation is null || employee is null || employee.Status == EmployeeStatus.Separated)
        {
            return null;
        }

        var notice = await notices.GetAsync(invitation.NoticeId, cancellationToken);
        if (notice is null || notice.State == ReleasedNoticeState.Cancelled)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var expires = notice.EndDate.AddDays(options.Value.LinksExpireDaysAfterDetailEnds + 1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (now >= expires)
        {
            return null;
        }

        var open = notice.State == ReleasedNoticeState.Open && now < notice.ResponseDeadline;
        return new ResolvedLink(notice, employee, open, invitation.DeliveredAt);
    }

    /// <summary>
    /// Who a link was sent to, and that person's directory entry: from the cache when the link was opened in the last
    /// <see cref="SignupLinkCache.HoldFor"/> (a scanner and then the person, the redirect after an answer, a reload),
    /// otherwise from the release and the directory. Only links that resolve are cached, so unknown tokens cannot fill it.
    /// </summary>
    private async Task<(Invitation? Invitation, StaffMember? Employee)> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        if (cache.TryGet(hash, out var cached))
        {
            return cached;
        }

        var invitation = await notices.FindInvitationAsync(hash, cancellationToken);
        if (invitation is null)
        {
            return (null, null);
        }

        var employee = await directory.FindAsync(invitation.EmployeeId, cancellationToken);
        // Held only once delivery is recorded: the delivery time decides whether a view looks like a scanner's.
        if (employee is not null && invitation.DeliveredAt is not null)
        {
            cache.Set(hash, (invitation, employee));
        }

        return (invitation, employee);
    }
}

/// <summary>
/// A small, bounded memory of recently opened links: the invitation (which never changes once released) and the
/// person's directory entry. Entries live <see cref="HoldFor"/>, so a separation imported into the directory refuses the
/// link within that time; a notice's state (cancelled, closed) is not held here and counts at once within its own
/// 5-second cache. Keys are the token's SHA-256 hash, as stored in the database, never the token.
/// </summary>
internal sealed class SignupLinkCache : IDisposable
{
    public static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(30);

    private const int MaxEntries = 50_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public bool TryGet(byte[] hash, out (Invitation? Invitation, StaffMember? Employee) found)
    {
        if (_cache.TryGetValue(Convert.ToBase64String(hash), out (Invitation, StaffMember) value))
        {
            found = value;
            return true;
        }

        found = default;
        return false;
    }

    public void Set(byte[] hash, (Invitation Invitation, StaffMember Employee) value) =>
        _cache.Set(Convert.ToBase64String(hash), value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = HoldFor });

    public void Dispose() => _cache.Dispose();
}
