using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Audit;
using Notices.Mail;

namespace Notices.Testing;

/// <summary>A notice seeded as released, with its outbox rows (one per recipient).</summary>
public sealed record SeededNotice(Guid Id, IReadOnlyList<SeededRecipient> Recipients)
{
    public SeededRecipient this[string employeeId] => Recipients.Single(r => r.EmployeeId == employeeId);
}

public sealed record SeededRecipient(string EmployeeId, string Email, string MessageId);

/// <summary>An outbox row as a test sees it.</summary>
public sealed record OutboxRow(long Id, string EmployeeId, string Email, string MessageId, string State, int Attempts, string? LastDetail, int? LastStatusCode, bool HandoverStarted);

/// <summary>Rows per state, as <c>GET /api/notices/{id}/delivery</c> counts them.</summary>
public sealed record DeliveryCounts(int Total, int Queued, int Sending, int Sent, int Deferred, int Failed, int Unknown, int Cancelled)
{
    /// <summary>Nothing left to send: every row is sent, failed, unknown or cancelled.</summary>
    public bool Settled => Queued + Sending + Deferred == 0;
}

/// <summary>Intent methods for delivery tests: seed a released notice, wait for its send, read the outbox.</summary>
public static partial class DeliveryIntents
{
    /// <summary>The public base URL the test factory configures; every link must start with it.</summary>
    public const string SignupLinkPrefix = "https://notices.agency.example/s/";

    /// <summary>Recipient <paramref name="i"/>'s email in seeded notices (<c>e000001@agency.example</c>...).</summary>
    public static string RecipientEmail(int i) => $"e{i:D6}@agency.example";

    public static string RecipientId(int i) => $"E{i:D6}";

    /// <summary>
    /// A released notice with <paramref name="recipients"/> outbox rows written straight to the database (the
    /// release path of the composing feature does the same with COPY): link key, token hashes and Message-IDs fixed.
    /// </summary>
    public static async Task<SeededNotice> SeedReleasedNoticeAsync(this NoticesAppFactory app, int recipients, bool paused = false, int firstRecipient = 1, string title = "Volunteers needed: 60-day details")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<NoticesDbContext>();
        var links = services.GetRequiredService<NoticeLinks>();
        var messages = services.GetRequiredService<MailMessageFactory>();
        var now = DateTimeOffset.UtcNow;
        var (key, protectedKey) = links.NewKey();
        var notice = new Notice
        {
            Id = Guid.CreateVersion7(),
            State = NoticeState.Released,
            Title = title,
            Summary = "Sixty-day details at the border; apply by February 20.",
            BodyMarkdown = "We need **volunteers** for 60-day details.",
            SenderName = "Office of the Director",
            ReplyTo = "director@agency.example",
            Opportunity = new Opportunity { LengthDays = 60, StartDate = new DateOnly(2027, 3, 10), Locations = [new DutyLocation("Houston", "TX", 20)], Duties = ["Case management"] },
            ResponseDeadline = new DateTimeOffset(2027, 2, 20, 23, 59, 0, TimeSpan.Zero),
            CreatedBy = "author",
            CreatedByName = "Ann Author",
            CreatedAt = now,
            UpdatedAt = now,
            SubmittedBy = "author",
            SubmittedAt = now,
            ReleasedBy = "releaser",
            ReleasedByName = "Rae Releaser",
            ReleasedAt = now,
            RecipientCount = recipients,
            ProtectedLinkKey = protectedKey,
            DeliveryPaused = paused,
        };
        db.Notices.Add(notice);
        var seeded = new List<SeededRecipient>(recipients);
        for (var i = firstRecipient; i < firstRecipient + recipients; i++)
        {
            var employeeId = RecipientId(i);
            var row = new OutboxMessage
            {
                NoticeId = notice.Id,
                EmployeeId = employeeId,
                Email = RecipientEmail(i),
                DisplayName = "Person " + employeeId,
                JobSeries = "1801",
                PayPlan = "GS",
                Grade = 12,
                Organization = "USCIS/Field Operations",
                DutyState = "MA",
                MessageId = messages.NewMessageId(),
                TokenHash = NoticeLinks.SignupToken(key, notice.Id, employeeId).Hash,
                State = OutboxState.Queued,
                UpdatedAt = now,
            };
            db.Outbox.Add(row);
            seeded.Add(new SeededRecipient(employeeId, row.Email, row.MessageId));
        }

        await db.SaveChangesAsync();
        return new SeededNotice(notice.Id, seeded);
    }

    public static async Task<DeliveryCounts> DeliveryCountsAsync(this NoticesAppFactory app, Guid noticeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var counts = await db.Outbox.Where(o => o.NoticeId == noticeId).GroupBy(o => o.State)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        int Of(OutboxState state) => counts.GetValueOrDefault(state);
        return new DeliveryCounts(counts.Values.Sum(), Of(OutboxState.Queued), Of(OutboxState.Sending), Of(OutboxState.Sent), Of(OutboxState.Deferred), Of(OutboxState.Failed), Of(OutboxState.Unknown), Of(OutboxState.Cancelled));
    }

    /// <summary>
    /// Waits (<see cref="Eventually"/>) until nothing is left to send and the notice has left "released" (the worker
    /// that settles the last row marks it sent), or until <paramref name="until"/> holds; fails after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<DeliveryCounts> WaitForDeliveryAsync(this NoticesAppFactory app, Guid noticeId, TimeSpan timeout, Func<DeliveryCounts, bool>? until = null)
    {
        var (counts, _) = await app.WaitAsync(
            async () =>
            {
                var counts = await app.DeliveryCountsAsync(noticeId);
                return (Counts: counts, State: until is null && counts.Settled ? await app.NoticeStateAsync(noticeId) : null);
            },
            seen => until is null ? seen.State is not (null or "released") : until(seen.Counts),
            timeout,
            $"the delivery of {noticeId}");
        return counts;
    }

    /// <summary>The notice's state (snake_case, as the API shows it).</summary>
    public static async Task<string> NoticeStateAsync(this NoticesAppFactory app, Guid noticeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var state = await db.Notices.Where(n => n.Id == noticeId).Select(n => n.State).SingleAsync();
        return state.ToString().ToLowerInvariant();
    }

    /// <summary>The notice's records in the audit trail, oldest first, read as operators read them.</summary>
    public static async Task<List<NoticeAuditRow>> NoticeEventsAsync(this NoticesAppFactory app, Guid noticeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var trail = scope.ServiceProvider.GetRequiredService<IAuditTrail>();
        var page = await trail.ForSubjectAsync(AuditSubject.Notice(noticeId), 1, AuditTrailExtensions.MaxPageSize);
        return [.. page.Entries.Select(e => new NoticeAuditRow(e.Actor, e.Action, AuditNames.Of(e.Channel), AuditNames.Of(e.Outcome), e.Detail, e.At))];
    }

    public static async Task<IReadOnlyList<OutboxRow>> OutboxRowsAsync(this NoticesAppFactory app, Guid noticeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var rows = await db.Outbox.Where(o => o.NoticeId == noticeId).OrderBy(o => o.Id).ToListAsync();
        return rows.Select(o => new OutboxRow(o.Id, o.EmployeeId, o.Email, o.MessageId, o.State.ToString().ToLowerInvariant(), o.Attempts, o.LastDetail, o.LastStatusCode, o.HandoverStartedAt is not null)).ToList();
    }

    /// <summary>The personal sign-up link in a received message's plain-text part.</summary>
    public static string SignupLinkIn(MimeMessage message)
    {
        var match = SignupLink().Match(message.TextBody ?? "");
        return match.Success ? match.Value : throw new InvalidOperationException("The message carries no sign-up link.");
    }

    [GeneratedRegex(@"https://notices\.agency\.example/s/[A-Za-z0-9_\-]+", RegexOptions.CultureInvariant)]
    private static partial Regex SignupLink();

    /// <summary>Whether the outbox row no longer holds its message (a transactional message once sent).</summary>
    public static async Task<bool> OutboxPayloadClearedAsync(this NoticesAppFactory app, long rowId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        return await db.Outbox.Where(o => o.Id == rowId).Select(o => o.Payload == null).SingleAsync();
    }

    /// <summary>How many transactional messages (no notice) the outbox holds, in any state.</summary>
    public static async Task<int> TransactionalRowCountAsync(this NoticesAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NoticesDbContext>().Outbox.CountAsync(o => o.NoticeId == null);
    }

    /// <summary>Every transactional message's row (no notice), in Id order.</summary>
    public static async Task<IReadOnlyList<OutboxRow>> TransactionalRowsAsync(this NoticesAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.NoticeId == null).OrderBy(o => o.Id).ToListAsync();
        return rows.Select(o => new OutboxRow(o.Id, o.EmployeeId, o.Email, o.MessageId, o.State.ToString().ToLowerInvariant(), o.Attempts, o.LastDetail, o.LastStatusCode, o.HandoverStartedAt is not null)).ToList();
    }
}

/// <summary>A notice's audit record with its channel and outcome as stored (<c>portal</c>, <c>refused</c>).</summary>
public sealed record NoticeAuditRow(string Actor, string Action, string Channel, string Outcome, string? Detail, DateTimeOffset At);
