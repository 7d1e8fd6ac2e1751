using Microsoft.EntityFrameworkCore;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Composing.Amend;

/// <summary>
/// A correction to a released notice: a new draft with the same content, going, once released, to exactly the
/// original's recipients.
/// </summary>
internal sealed class AmendNoticeHandler(NoticesDbContext db, TimeProvider time)
{
    public async Task<ComposeOutcome<Notice>> HandleAsync(Guid id, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var original = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (original is null)
        {
            return ComposeOutcome<Notice>.NotFound();
        }

        var now = time.GetUtcNow();
        if (original.State is not (NoticeState.Released or NoticeState.Sent or NoticeState.Closed))
        {
            await NoticeAudit.RefusedAsync(db, id, actor, "amend_refused", channel, now, $"state {original.State}", cancellationToken);
            return ComposeOutcome<Notice>.Conflict("only a released notice can be amended; edit the draft instead");
        }

        var amendment = new Notice
        {
            Id = Guid.CreateVersion7(now),
            State = NoticeState.Draft,
            AmendsNoticeId = original.Id,
            CreatedBy = actor.Id,
            CreatedByName = actor.Name,
            CreatedAt = now,
            UpdatedAt = now,
            LastSavedBy = actor.Id,
            LastSavedByName = actor.Name,
            Version = 1,
        };
        NoticeContent.From(original).ApplyTo(amendment);
        db.Notices.Add(amendment);
        NoticeAudit.Add(db, amendment.Id, actor, "created", channel, AuditOutcome.Succeeded, now, $"amends {original.Id}");
        NoticeAudit.Add(db, original.Id, actor, "amended", channel, AuditOutcome.Succeeded, now, $"amendment {amendment.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return ComposeOutcome<Notice>.Ok(amendment);
    }
}
