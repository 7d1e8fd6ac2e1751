using Microsoft.Extensions.DependencyInjection;
using Notices.Composing;
using Notices.Data;
using Notices.Testing;

namespace Notices.Tests.Audience;

/// <summary>
/// Notices put straight into the database for audience tests, in whatever state a test needs (the compose API
/// is another feature's; these tests only need a notice to preview).
/// </summary>
internal static class DraftNotices
{
    public static async Task<Guid> InsertNoticeAsync(this NoticesAppFactory app, AudienceRules? audience = null, NoticeState state = NoticeState.Draft)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var now = DateTimeOffset.UtcNow;
        var notice = new Notice
        {
            Id = Guid.NewGuid(),
            State = state,
            Title = "Volunteers needed: 60-day details",
            Summary = "Sixty-day details in Houston; apply by the deadline.",
            BodyMarkdown = "## The work\n\nWe need **experienced** officers for case management.\n",
            SenderName = "Office of the Director",
            ReplyTo = "director@agency.example",
            Opportunity = new Opportunity
            {
                LengthDays = 60,
                StartDate = DateOnly.FromDateTime(now.AddDays(60).UtcDateTime),
                MayBeExtended = true,
                Locations = [new DutyLocation("Houston", "TX", 20)],
                Duties = ["Case management"],
                ParticularlyNeededSeries = ["1801"],
            },
            ResponseDeadline = now.AddDays(30),
            Audience = audience ?? new AudienceRules { Series = ["1801"], PayPlan = "GS", GradeMin = 11, GradeMax = 13 },
            CreatedBy = "author",
            CreatedByName = "An Author",
            CreatedAt = now,
            UpdatedAt = now,
            SubmittedBy = state == NoticeState.Submitted ? "author" : null,
            SubmittedAt = state == NoticeState.Submitted ? now : null,
            ReleasedAt = state >= NoticeState.Released ? now : null,
            ReleasedBy = state >= NoticeState.Released ? "releaser" : null,
        };
        db.Notices.Add(notice);
        await db.SaveChangesAsync();
        return notice.Id;
    }

    public static async Task<Notice?> NoticeAsync(this NoticesAppFactory app, Guid id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NoticesDbContext>().Notices.FindAsync(id);
    }
}
