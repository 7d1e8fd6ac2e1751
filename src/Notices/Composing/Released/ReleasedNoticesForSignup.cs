using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Notices.Content;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Database;
using Notices.Signup.Released;

namespace Notices.Composing.Released;

/// <summary>
/// The host's side of Signup's <see cref="IReleasedNotices"/> (ADR 0004): answers from the notice and its frozen
/// audience, the outbox rows that hold the sign-up tokens' hashes. A notice's page data is cached for a few seconds,
/// because every sign-up page view asks for it and a released notice's content never changes (only its state does).
/// </summary>
internal sealed class ReleasedNoticesForSignup(NoticesDbContext db, IMemoryCache cache, NoticeLinks links) : IReleasedNotices
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    /// <summary>Compiled once: every sign-up page view that is not cached looks its token up.</summary>
    private static readonly CompiledQuery<NoticesDbContext, byte[], Invitation?> FindByTokenHash =
        new((context, tokenHash, cancellationToken) =>
            context.Outbox.AsNoTracking()
                .Where(o => o.TokenHash == tokenHash && o.NoticeId != null)
                .Select(o => new Invitation(o.NoticeId!.Value, o.EmployeeId, o.SentAt))
                .FirstOrDefault());

    public Task<Invitation?> FindInvitationAsync(byte[] tokenHash, CancellationToken cancellationToken = default) =>
        FindByTokenHash.RunAsync(db, tokenHash, cancellationToken);

    public async Task<ReleasedNotice?> GetAsync(Guid noticeId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(("released-notice", noticeId), out ReleasedNotice? cached))
        {
            return cached;
        }

        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == noticeId, cancellationToken);
        var released = notice is null || notice.ReleasedAt is null ? null : ToReleased(notice);
        cache.Set(("released-notice", noticeId), released, CacheFor);
        return released;
    }

    public Task<bool> IsRecipientAsync(Guid noticeId, string employeeId, CancellationToken cancellationToken = default) =>
        db.Outbox.AnyAsync(o => o.NoticeId == noticeId && o.EmployeeId == employeeId, cancellationToken);

    public async Task<Uri?> SignupLinkAsync(Guid noticeId, string employeeId, CancellationToken cancellationToken = default)
    {
        var key = await db.Notices.AsNoTracking().Where(n => n.Id == noticeId).Select(n => n.ProtectedLinkKey).FirstOrDefaultAsync(cancellationToken);
        if (key is null || !await IsRecipientAsync(noticeId, employeeId, cancellationToken))
        {
            return null;
        }

        var token = NoticeLinks.SignupToken(links.Unprotect(key), noticeId, employeeId);
        return links.SignupLink(token.Value);
    }

    public async Task<IReadOnlyList<Guid>> OverlappingAsync(Guid noticeId, CancellationToken cancellationToken = default)
    {
        var all = await db.Notices.AsNoTracking()
            .Where(n => n.ReleasedAt != null && n.State != NoticeState.Cancelled)
            .Select(n => new { n.Id, n.Opportunity })
            .ToListAsync(cancellationToken);
        var self = all.FirstOrDefault(n => n.Id == noticeId);
        if (self is null)
        {
            return [];
        }

        var (start, end) = Span(self.Opportunity);
        return all.Where(n => n.Id != noticeId && Span(n.Opportunity) is var s && s.Start <= end && s.End >= start).Select(n => n.Id).ToList();
    }

    private static (DateOnly Start, DateOnly End) Span(Opportunity o) => (o.StartDate, o.StartDate.AddDays(Math.Max(o.LengthDays, 1) - 1));

    private ReleasedNotice ToReleased(Notice notice) => new()
    {
        Id = notice.Id,
        Title = notice.Title,
        Summary = notice.Summary,
        BodyHtml = NoticeBody.Render(notice.BodyMarkdown).Html,
        SenderName = notice.SenderName,
        ReplyTo = notice.ReplyTo,
        StartDate = notice.Opportunity.StartDate,
        LengthDays = notice.Opportunity.LengthDays,
        MayBeExtended = notice.Opportunity.MayBeExtended,
        Locations = notice.Opportunity.Locations.Select(l => new ReleasedLocation(l.City, l.State, l.Openings)).ToList(),
        Duties = notice.Opportunity.Duties,
        ParticularlyNeededSeries = notice.Opportunity.ParticularlyNeededSeries,
        ResponseDeadline = notice.ResponseDeadline,
        TimeZone = notice.TimeZone,
        ApprovalRequired = notice.Approval.Required,
        ApprovalStandard = notice.Approval.Standard,
        ReminderAfterDays = notice.Approval.ReminderAfterDays,
        EscalateAfterDays = notice.Approval.EscalateAfterDays,
        State = notice.State switch
        {
            NoticeState.Cancelled => ReleasedNoticeState.Cancelled,
            NoticeState.Closed => ReleasedNoticeState.Closed,
            _ => ReleasedNoticeState.Open,
        },
        RecipientCount = notice.RecipientCount ?? 0,
    };
}
