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
internal sealed class SignupLinks(IReleasedNotices notices, IStaffDirectory directory, IOptions<SignupOptions> options, TimeProvider time)
{
    public async Task<ResolvedLink?> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is null || !LinkToken.TryHash(TokenPurpose.Signup, token, out var hash))
        {
            return null;
        }

        var invitation = await notices.FindInvitationAsync(hash, cancellationToken);
        if (invitation is null)
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

        var employee = await directory.FindAsync(invitation.EmployeeId, cancellationToken);
        if (employee is null || employee.Status == EmployeeStatus.Separated)
        {
            return null;
        }

        var open = notice.State == ReleasedNoticeState.Open && now < notice.ResponseDeadline;
        return new ResolvedLink(notice, employee, open, invitation.DeliveredAt);
    }
}
