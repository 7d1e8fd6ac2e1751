using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Notices.Composing.Release;
using Notices.Composing.Validation;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;
using Notices.Identity.Mail;
using Notices.Templates.Emails;

namespace Notices.Composing.Submit;

/// <summary>
/// An author hands a valid draft with a non-empty audience to a releaser; when <c>Notices:Release:NotifyAddress</c> is
/// set, that address is emailed in the same transaction.
/// </summary>
internal sealed class SubmitNoticeHandler(
    NoticesDbContext db,
    NoticeValidator validator,
    AudienceCount audience,
    IMailOutbox outbox,
    Hosting.LinkBuilder links,
    IOptions<ReleaseOptions> release,
    TimeProvider time)
{
    public const string EmptyAudience = "the audience is empty";

    public const string NotifyCategory = "release-waiting";

    public async Task<ComposeOutcome<Notice>> HandleAsync(Guid id, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (notice is null)
        {
            return ComposeOutcome<Notice>.NotFound();
        }

        var now = time.GetUtcNow();
        if (notice.State != NoticeState.Draft)
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "submit_refused", channel, now, $"state {notice.State}", cancellationToken);
            return ComposeOutcome<Notice>.Conflict(notice.State == NoticeState.Submitted ? "the notice is already submitted" : UpdateSubmitMessages.NotDraft);
        }

        var (content, errors) = validator.Validate(NoticeContent.From(notice).ToRequest());
        if (content is null)
        {
            return ComposeOutcome<Notice>.Invalid(errors);
        }

        if (await audience.CountAsync(notice, cancellationToken) == 0)
        {
            return ComposeOutcome<Notice>.Invalid("audience", EmptyAudience);
        }

        var version = notice.Version;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await db.Notices
            .Where(n => n.Id == id && n.State == NoticeState.Draft && n.Version == version)
            .ExecuteUpdateAsync(
                s => s.SetProperty(n => n.State, NoticeState.Submitted)
                    .SetProperty(n => n.SubmittedBy, actor.Id)
                    .SetProperty(n => n.SubmittedAt, now)
                    .SetProperty(n => n.UpdatedAt, now)
                    .SetProperty(n => n.LastSavedBy, actor.Id)
                    .SetProperty(n => n.LastSavedByName, actor.Name)
                    .SetProperty(n => n.Version, version + 1),
                cancellationToken);
        if (changed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            await NoticeAudit.RefusedAsync(db, id, actor, "submit_refused", channel, now, "changed concurrently", cancellationToken);
            return ComposeOutcome<Notice>.Conflict("the notice was changed meanwhile; reload it");
        }

        NoticeAudit.Add(db, id, actor, "submitted", channel, AuditOutcome.Succeeded, now);
        if (release.Value.NotifyAddress is { Length: > 0 } notify)
        {
            var model = new NoticeSubmittedModel(notice.Title, actor.Name, notice.ResponseDeadline, notice.TimeZone, links.To($"/notices/{id}/release"));
            await outbox.QueueAsync(db, model, new MailEnvelope { To = notify, Category = NotifyCategory, Reference = $"notice/{id:N}" }, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ComposeOutcome<Notice>.Ok((await db.Notices.AsNoTracking().FirstAsync(n => n.Id == id, cancellationToken))!);
    }
}

internal static class UpdateSubmitMessages
{
    public const string NotDraft = "only a draft can be submitted";
}
