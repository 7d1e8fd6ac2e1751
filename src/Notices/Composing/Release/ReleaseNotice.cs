using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;
using Notices.Identity.StaffDirectory;
using Notices.Mail;

namespace Notices.Composing.Release;

/// <summary>
/// The second person releases a submitted notice. In one transaction: the conditional state change (so a second
/// release, or a concurrent one, changes nothing), the frozen audience written to the outbox in bulk with each
/// recipient's Message-ID and sign-up token hash, and the audit event.
/// </summary>
internal sealed partial class ReleaseNoticeHandler(
    NoticesDbContext db,
    IStaffDirectory directory,
    AudienceCount audience,
    NoticeLinks links,
    MailMessageFactory mail,
    IOptions<ReleaseOptions> options,
    TimeProvider time,
    Delivery.DeliverySignal delivery,
    ILogger<ReleaseNoticeHandler> logger)
{
    public const string OwnNotice = "you cannot release a notice you wrote or submitted; another releaser must release it";

    /// <summary>Amendment recipients are copied from the original's rows this many at a time.</summary>
    private const int AmendmentBatch = 5_000;

    /// <summary>The audience count the releaser should see (and send back as expectedRecipientCount).</summary>
    public Task<int> CountAsync(Notice notice, CancellationToken cancellationToken) => audience.CountAsync(notice, cancellationToken);

    /// <summary>Whether this person may release this notice at this audience size.</summary>
    public bool MayRelease(Notice notice, Actor actor, int count) =>
        !IsOwn(notice, actor) || count < options.Value.SinglePersonBelow;

    public async Task<ComposeOutcome<Notice>> HandleAsync(Guid id, ReleaseRequest request, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (notice is null)
        {
            return ComposeOutcome<Notice>.NotFound();
        }

        var now = time.GetUtcNow();
        if (notice.State != NoticeState.Submitted)
        {
            var detail = notice.State is NoticeState.Draft ? "only a submitted notice can be released" : "the notice is already released";
            await NoticeAudit.RefusedAsync(db, id, actor, "release_refused", channel, now, $"state {notice.State}", cancellationToken);
            return ComposeOutcome<Notice>.Conflict(detail);
        }

        var count = await audience.CountAsync(notice, cancellationToken);
        if (!MayRelease(notice, actor, count))
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "release_refused", channel, now, "own notice (two-person rule)", cancellationToken);
            return ComposeOutcome<Notice>.Forbidden(OwnNotice);
        }

        if (request.ExpectedRecipientCount is { } expected && expected != count)
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "release_refused", channel, now, Invariant($"audience changed: shown {expected}, now {count}"), cancellationToken);
            return ComposeOutcome<Notice>.Conflict(Invariant($"the audience changed since you saw it: {count} recipients now, not {expected}; review it again"));
        }

        if (count == 0)
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "release_refused", channel, now, "empty audience", cancellationToken);
            return ComposeOutcome<Notice>.Invalid("audience", Submit.SubmitNoticeHandler.EmptyAudience);
        }

        var sendAfter = request.SendAfter?.ToUniversalTime();
        var (key, protectedKey) = links.NewKey();
        var version = notice.Version;
        var strategy = db.Database.CreateExecutionStrategy();
        var written = await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var changed = await db.Notices
                .Where(n => n.Id == id && n.State == NoticeState.Submitted && n.Version == version)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(n => n.State, NoticeState.Released)
                        .SetProperty(n => n.ReleasedBy, actor.Id)
                        .SetProperty(n => n.ReleasedByName, actor.Name)
                        .SetProperty(n => n.ReleasedAt, now)
                        .SetProperty(n => n.SendAfter, sendAfter)
                        .SetProperty(n => n.ProtectedLinkKey, protectedKey)
                        .SetProperty(n => n.UpdatedAt, now)
                        .SetProperty(n => n.Version, version + 1),
                    cancellationToken);
            if (changed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return -1;
            }

            var rows = await WriteOutboxAsync(notice, key, transaction, now, cancellationToken);
            await db.Notices.Where(n => n.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.RecipientCount, rows), cancellationToken);
            NoticeAudit.Add(db, id, actor, "released", channel, AuditOutcome.Succeeded, now, Invariant($"{rows} recipients") + (sendAfter is { } at ? $", send after {at:O}" : ""));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return rows;
        });

        if (written < 0)
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "release_refused", channel, now, "released concurrently", cancellationToken);
            return ComposeOutcome<Notice>.Conflict("the notice is already released");
        }

        LogReleased(logger, id, written);
        delivery.Notify(); // this instance's idle workers start now; others find the rows at their next poll
        return ComposeOutcome<Notice>.Ok(await db.Notices.AsNoTracking().FirstAsync(n => n.Id == id, cancellationToken));
    }

    private async Task<int> WriteOutboxAsync(Notice notice, byte[] key, IDbContextTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var table = db.Model.FindEntityType(typeof(OutboxMessage))!.GetSchema() is { } schema ? $"\"{schema}\".\"outbox\"" : "\"outbox\"";
        await using var writer = OutboxBulkWriter.Create(connection, transaction.GetDbTransaction(), table);
        var count = 0;
        if (notice.AmendsNoticeId is { } original)
        {
            // The original's rows live on this same connection, so read a batch, then write it.
            var after = 0L;
            while (true)
            {
                var batch = await db.Outbox.AsNoTracking()
                    .Where(o => o.NoticeId == original && o.Id > after)
                    .OrderBy(o => o.Id)
                    .Take(AmendmentBatch)
                    .ToListAsync(cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                after = batch[^1].Id;
                await writer.BeginAsync(cancellationToken);
                foreach (var previous in batch)
                {
                    await writer.WriteAsync(Row(notice.Id, key, now, previous.EmployeeId, previous.Email, previous.DisplayName, previous.JobSeries, previous.PayPlan, previous.Grade, previous.Organization, previous.DutyState, previous.SupervisorId), cancellationToken);
                    count++;
                }

                await writer.CompleteAsync(cancellationToken);
            }

            return count;
        }

        // The directory streams on its own connection while this one writes.
        await writer.BeginAsync(cancellationToken);
        await foreach (var member in directory.QueryAsync(notice.Audience.ToStaffFilter(), cancellationToken))
        {
            await writer.WriteAsync(Row(notice.Id, key, now, member.EmployeeId, member.Email, member.DisplayName, member.JobSeries, member.PayPlan, member.Grade, member.Organization, member.DutyState, member.SupervisorId), cancellationToken);
            count++;
        }

        await writer.CompleteAsync(cancellationToken);
        return count;
    }

    private OutboxMessage Row(
        Guid noticeId, byte[] key, DateTimeOffset now, string employeeId, string email, string name, string series, string payPlan,
        int? grade, string organization, string state, string? supervisor) => new()
        {
            NoticeId = noticeId,
            EmployeeId = employeeId,
            Email = email,
            DisplayName = name,
            JobSeries = series,
            PayPlan = payPlan,
            Grade = grade,
            Organization = organization,
            DutyState = state,
            SupervisorId = supervisor,
            MessageId = mail.NewMessageId(),
            TokenHash = NoticeLinks.SignupToken(key, noticeId, employeeId).Hash,
            State = OutboxState.Queued,
            Attempts = 0,
            UpdatedAt = now,
        };

    private static bool IsOwn(Notice notice, Actor actor) =>
        string.Equals(notice.CreatedBy, actor.Id, StringComparison.Ordinal) || string.Equals(notice.SubmittedBy, actor.Id, StringComparison.Ordinal);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released notice {NoticeId} to {Recipients} recipients")]
    private static partial void LogReleased(ILogger logger, Guid noticeId, int recipients);
}
