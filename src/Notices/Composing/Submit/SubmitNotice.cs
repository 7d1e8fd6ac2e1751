using Microsoft.EntityFrameworkCore;
using Notices.Composing.Validation;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Composing.Submit;

/// <summary>An author hands a valid draft with a non-empty audience to a releaser.</summary>
internal sealed class SubmitNoticeHandler(NoticesDbContext db, NoticeValidator validator, AudienceCount audience, TimeProvider time)
{
    public const string EmptyAudience = "the audience is empty";

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
        var changed = await db.Notices
            .Where(n => n.Id == id && n.State == NoticeState.Draft && n.Version == version)
            .ExecuteUpdateAsync(
                s => s.SetProperty(n => n.State, NoticeState.Submitted)
                    .SetProperty(n => n.SubmittedBy, actor.Id)
                    .SetProperty(n => n.SubmittedAt, now)
                    .SetProperty(n => n.UpdatedAt, now)
                    .SetProperty(n => n.Version, version + 1),
                cancellationToken);
        if (changed == 0)
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "submit_refused", channel, now, "changed concurrently", cancellationToken);
            return ComposeOutcome<Notice>.Conflict("the notice was changed meanwhile; reload it");
        }

        NoticeAudit.Add(db, id, actor, "submitted", channel, AuditOutcome.Succeeded, now);
        await db.SaveChangesAsync(cancellationToken);
        return ComposeOutcome<Notice>.Ok((await db.Notices.AsNoTracking().FirstAsync(n => n.Id == id, cancellationToken))!);
    }
}

internal static class UpdateSubmitMessages
{
    public const string NotDraft = "only a draft can be submitted";
}
