using Notices.Composing.Validation;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Composing.Create;

/// <summary>Creates a draft from validated content; nothing is saved when anything is wrong.</summary>
internal sealed class CreateNoticeHandler(NoticesDbContext db, NoticeValidator validator, TimeProvider time)
{
    public async Task<ComposeOutcome<Notice>> HandleAsync(NoticeRequest request, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var (content, errors) = validator.Validate(request);
        if (content is null)
        {
            return ComposeOutcome<Notice>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var notice = new Notice
        {
            Id = Guid.CreateVersion7(now),
            State = NoticeState.Draft,
            CreatedBy = actor.Id,
            CreatedByName = actor.Name,
            CreatedAt = now,
            UpdatedAt = now,
            LastSavedBy = actor.Id,
            LastSavedByName = actor.Name,
            Version = 1,
        };
        content.ApplyTo(notice);
        db.Notices.Add(notice);
        NoticeAudit.Add(db, notice.Id, actor, "created", channel, AuditOutcome.Succeeded, now);
        await db.SaveChangesAsync(cancellationToken);
        return ComposeOutcome<Notice>.Ok(notice);
    }
}
