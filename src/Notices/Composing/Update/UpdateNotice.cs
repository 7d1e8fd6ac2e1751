using Microsoft.EntityFrameworkCore;
using Notices.Composing.Validation;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Composing.Update;

/// <summary>
/// Replaces a draft's or a submitted notice's content (a submitted one returns to draft and needs submitting again).
/// Conditional on the version read, so two editors cannot silently overwrite each other.
/// </summary>
internal sealed class UpdateNoticeHandler(NoticesDbContext db, NoticeValidator validator, TimeProvider time)
{
    public const string ReleasedCannotBeEdited = "a released notice cannot be edited; send an amendment";

    public async Task<ComposeOutcome<Notice>> HandleAsync(Guid id, NoticeRequest request, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (notice is null)
        {
            return ComposeOutcome<Notice>.NotFound();
        }

        var now = time.GetUtcNow();
        if (notice.State is not (NoticeState.Draft or NoticeState.Submitted))
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "update_refused", channel, now, $"state {notice.State}", cancellationToken);
            return ComposeOutcome<Notice>.Conflict(ReleasedCannotBeEdited);
        }

        if (request.Version is { } expected && expected != notice.Version)
        {
            return ComposeOutcome<Notice>.Conflict("the notice was changed by someone else; reload it and edit again");
        }

        var (content, errors) = validator.Validate(request);
        if (content is null)
        {
            return ComposeOutcome<Notice>.Invalid(errors);
        }

        var wasSubmitted = notice.State == NoticeState.Submitted;
        content.ApplyTo(notice);
        notice.State = NoticeState.Draft;
        notice.SubmittedBy = null;
        notice.SubmittedAt = null;
        notice.UpdatedAt = now;
        notice.LastSavedBy = actor.Id;
        notice.LastSavedByName = actor.Name;
        notice.Version++;
        NoticeAudit.Add(db, id, actor, "updated", channel, AuditOutcome.Succeeded, now, wasSubmitted ? "returned to draft" : null);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "update_refused", channel, now, "changed concurrently", cancellationToken);
            return ComposeOutcome<Notice>.Conflict("the notice was changed by someone else; reload it and edit again");
        }

        return ComposeOutcome<Notice>.Ok(notice);
    }
}
