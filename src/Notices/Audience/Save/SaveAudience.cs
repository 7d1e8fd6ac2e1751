using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Notices.Audience.Rules;
using Notices.Composing;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Audience.Save;

/// <param name="Version">The version the client last read; when given, a newer version on the server answers 409.</param>
internal sealed record SaveAudienceRequest(AudienceRulesInput? Audience, int? Version);

internal sealed record SaveAudienceResponse(Guid Id, string State, int Version, AudienceRules Audience);

internal enum SaveAudienceStatus
{
    Saved,
    NotFound,
    Invalid,
    NotEditable,
    Conflict,
}

internal sealed record SaveAudienceOutcome(SaveAudienceStatus Status, Notice? Notice = null, Dictionary<string, string[]>? Errors = null);

/// <summary>
/// Saves only the audience of a draft or submitted notice. The update is conditional on the state and version
/// read (one winner when two editors race); editing a submitted notice returns it to draft, so it is submitted
/// and reviewed again. A released (or later) notice is refused. Every attempt is audited.
/// </summary>
internal sealed class SaveAudienceHandler(NoticesDbContext db, TimeProvider time)
{
    public const string AuditAction = "audience_updated";

    /// <summary>Saves rules as the API receives them: validated here, refused with field errors.</summary>
    public async Task<SaveAudienceOutcome> SaveAsync(
        Guid id, AudienceRulesInput? input, int? expectedVersion, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var (rules, errors) = AudienceRulesValidation.Validate(input);
        if (rules is not null)
        {
            return await SaveAsync(id, rules, expectedVersion, actor, channel, cancellationToken);
        }

        var stored = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        return stored is null
            ? new SaveAudienceOutcome(SaveAudienceStatus.NotFound)
            : new SaveAudienceOutcome(SaveAudienceStatus.Invalid, stored, errors);
    }

    /// <summary>Saves rules already parsed and validated (the audience page parses its form once).</summary>
    public async Task<SaveAudienceOutcome> SaveAsync(
        Guid id, AudienceRules rules, int? expectedVersion, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (notice is null)
        {
            return new SaveAudienceOutcome(SaveAudienceStatus.NotFound);
        }

        if (notice.State is not (NoticeState.Draft or NoticeState.Submitted))
        {
            await AuditAsync(id, actor, channel, AuditOutcome.Refused, $"state {notice.State.ToString().ToLowerInvariant()}", cancellationToken);
            return new SaveAudienceOutcome(SaveAudienceStatus.NotEditable, notice);
        }

        if (expectedVersion is { } version && version != notice.Version)
        {
            await AuditAsync(id, actor, channel, AuditOutcome.Refused, $"stale version {version}, current {notice.Version}", cancellationToken);
            return new SaveAudienceOutcome(SaveAudienceStatus.Conflict, notice);
        }

        var now = time.GetUtcNow();
        var wasSubmitted = notice.State == NoticeState.Submitted;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Notices
            .Where(n => n.Id == id && n.State == notice.State && n.Version == notice.Version)
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(n => n.Audience, rules)
                    .SetProperty(n => n.State, NoticeState.Draft)
                    .SetProperty(n => n.SubmittedBy, (string?)null)
                    .SetProperty(n => n.SubmittedAt, (DateTimeOffset?)null)
                    .SetProperty(n => n.UpdatedAt, now)
                    .SetProperty(n => n.LastSavedBy, actor.Id)
                    .SetProperty(n => n.LastSavedByName, actor.Name)
                    .SetProperty(n => n.Version, n => n.Version + 1),
                cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            await AuditAsync(id, actor, channel, AuditOutcome.Refused, "changed by someone else meanwhile", cancellationToken);
            var current = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
            return new SaveAudienceOutcome(current is { State: NoticeState.Draft or NoticeState.Submitted } ? SaveAudienceStatus.Conflict : SaveAudienceStatus.NotEditable, current);
        }

        NoticeAudit.Add(db, id, actor, AuditAction, channel, AuditOutcome.Succeeded, now, wasSubmitted ? "returned to draft" : null);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        notice.Audience = rules;
        notice.State = NoticeState.Draft;
        notice.SubmittedBy = null;
        notice.SubmittedAt = null;
        notice.UpdatedAt = now;
        notice.LastSavedBy = actor.Id;
        notice.LastSavedByName = actor.Name;
        notice.Version++;
        return new SaveAudienceOutcome(SaveAudienceStatus.Saved, notice);
    }

    private async Task AuditAsync(Guid id, Actor actor, AuditChannel channel, AuditOutcome outcome, string detail, CancellationToken cancellationToken)
    {
        NoticeAudit.Add(db, id, actor, AuditAction, channel, outcome, time.GetUtcNow(), detail);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}

internal static class SaveAudienceEndpoint
{
    public static RouteHandlerBuilder MapSaveAudience(this IEndpointRouteBuilder notices) =>
        notices.MapPut("/{id:guid}/audience", SaveAsync)
            .WithName("SaveAudience")
            .WithSummary("Saves the audience of a draft or submitted notice (a submitted one returns to draft); 409 once released.");

    private static async Task<Results<Ok<SaveAudienceResponse>, NotFound, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Guid id, SaveAudienceRequest request, SaveAudienceHandler handler, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await handler.SaveAsync(id, request.Audience, request.Version, Actor.From(context.User), AuditChannel.Api, cancellationToken);
        return outcome.Status switch
        {
            SaveAudienceStatus.Saved => TypedResults.Ok(new SaveAudienceResponse(
                id, outcome.Notice!.State.ToString().ToLowerInvariant(), outcome.Notice.Version, outcome.Notice.Audience)),
            SaveAudienceStatus.NotFound => TypedResults.NotFound(),
            SaveAudienceStatus.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
            SaveAudienceStatus.NotEditable => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The notice can no longer be edited",
                detail: $"It is {outcome.Notice?.State.ToString().ToLowerInvariant()}; a correction is a new notice that amends it."),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The notice changed meanwhile",
                detail: $"Reload it (now version {outcome.Notice?.Version}) and apply your change again."),
        };
    }
}
