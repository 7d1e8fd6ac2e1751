using Microsoft.EntityFrameworkCore;
using Notices.Data;
using Notices.Identity.StaffDirectory;

namespace Notices.Composing;

/// <summary>
/// How many people a notice would go to now: its audience rules against the directory, or, for an amendment, the
/// recipients the amended notice was released to.
/// </summary>
internal sealed class AudienceCount(NoticesDbContext db, IStaffDirectory directory)
{
    public async Task<int> CountAsync(Notice notice, CancellationToken cancellationToken)
    {
        if (notice.AmendsNoticeId is { } original)
        {
            return await db.Outbox.CountAsync(o => o.NoticeId == original, cancellationToken);
        }

        return (await directory.PageAsync(notice.Audience.ToStaffFilter(), 1, 1, cancellationToken)).Total;
    }
}
