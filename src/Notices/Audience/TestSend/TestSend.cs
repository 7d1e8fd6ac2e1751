using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Notices.Audience.EmailPreview;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;
using Notices.Identity.StaffDirectory;
using Notices.Mail;

namespace Notices.Audience.TestSend;

internal enum TestSendStatus
{
    Queued,
    NoticeNotFound,
    EmployeeNotFound,
    NoAddress,
    RateLimited,
}

/// <param name="SentTo">The address, masked as in logs.</param>
internal sealed record TestSendOutcome(TestSendStatus Status, string? SentTo = null, string? MessageId = null, string? Delivery = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Queues the notice email, rendered for a chosen recipient (by default the sender), to the signed-in user's own
/// address only: from the directory through their employee id, else their sign-in's email claim; never an address
/// a request names. It goes through the outbox like every email (retries, the relay's limits, ahead of bulk sends).
/// Limited per notice and user over a sliding window counted from the outbox, under a lock taken in the same
/// transaction as the queuing, so concurrent requests cannot overrun it, on any instance or after a restart. Every
/// attempt is audited.
/// </summary>
internal sealed class TestSendHandler(
    NoticesDbContext db,
    IStaffDirectory directory,
    NoticeEmailPreviewer previewer,
    MailOutbox outbox,
    TimeProvider time,
    ILogger<TestSendHandler> logger)
{
    public const string Category = "test-send";

    public const string AuditAction = "test_sent";
    public const int Limit = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private static readonly string[] EmailClaimTypes = ["email", "preferred_username", "upn", ClaimTypes.Email, ClaimTypes.Upn];

    public async Task<TestSendOutcome> SendAsync(Guid noticeId, string? employeeId, ClaimsPrincipal user, AuditChannel channel, CancellationToken cancellationToken)
    {
        var actor = Actor.From(user);
        if (!await db.Notices.AnyAsync(n => n.Id == noticeId, cancellationToken))
        {
            return new TestSendOutcome(TestSendStatus.NoticeNotFound);
        }

        var address = await OwnAddressAsync(actor, user, cancellationToken);
        if (address is null)
        {
            return new TestSendOutcome(TestSendStatus.NoAddress);
        }

        var renderAs = string.IsNullOrWhiteSpace(employeeId) ? actor.EmployeeId : employeeId.Trim();
        if (string.IsNullOrEmpty(renderAs))
        {
            return new TestSendOutcome(TestSendStatus.EmployeeNotFound);
        }

        var (status, message, member) = await previewer.BuildAsync(noticeId, renderAs, address, cancellationToken);
        if (message is null)
        {
            return new TestSendOutcome(status == EmailPreviewStatus.NoticeNotFound ? TestSendStatus.NoticeNotFound : TestSendStatus.EmployeeNotFound);
        }

        using (message)
        {
            MarkAsTest(message, member!, address);
            var reference = Reference(noticeId, actor);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await LockAsync(reference, cancellationToken);
            var now = time.GetUtcNow();
            var since = now - Window;
            var recent = await db.Outbox.AsNoTracking()
                .Where(o => o.Reference == reference && o.QueuedAt > since)
                .Select(o => o.QueuedAt!.Value)
                .ToListAsync(cancellationToken);
            if (recent.Count >= Limit)
            {
                await transaction.RollbackAsync(cancellationToken);
                await AuditAsync(noticeId, actor, channel, AuditOutcome.Refused, "rate limited", cancellationToken);
                var retryAfter = recent.Min() + Window - now;
                return new TestSendOutcome(TestSendStatus.RateLimited, RetryAfter: retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);
            }

            var queued = await outbox.QueueMessageAsync(db, message, Category, reference, actor.EmployeeId, cancellationToken);
            NoticeAudit.Add(db, noticeId, actor, AuditAction, channel, AuditOutcome.Succeeded, now, $"rendered for {renderAs}; queued {queued.Id}");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            var masked = MailAddresses.Mask(address);
            logger.LogInformation("Test send of notice {NoticeId} to {Recipient} queued as outbox row {Row}", noticeId, masked, queued.Id);
            return new TestSendOutcome(TestSendStatus.Queued, masked, queued.MessageId, "queued");
        }
    }

    /// <summary>
    /// A test is addressed to the tester alone, by bare address (never "Their Name &lt;your address&gt;"), says so in
    /// the subject, and names the person it was rendered for in a note at the top of both parts.
    /// </summary>
    internal static void MarkAsTest(MimeKit.MimeMessage message, StaffMember renderedFor, string address)
    {
        message.Subject = "[Test] " + message.Subject;
        message.To.Clear();
        message.To.Add(new MimeKit.MailboxAddress("", address));
        var note = $"Test: this is the email as {renderedFor.DisplayName} ({renderedFor.EmployeeId}) would get it. It was sent only to you, and its response link does not work.";
        foreach (var part in message.BodyParts.OfType<MimeKit.TextPart>())
        {
            if (part.IsHtml)
            {
                var html = part.Text;
                var body = html.IndexOf("<body", StringComparison.OrdinalIgnoreCase);
                var at = body < 0 ? 0 : html.IndexOf('>', body) + 1;
                part.Text = html[..at]
                    + "<div style=\"margin:0;padding:12px 16px;background-color:#faf3d1;border-left:6px solid #ffbe2e;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:24px;color:#1b1b1b;\"><strong>"
                    + System.Net.WebUtility.HtmlEncode(note) + "</strong></div>" + html[at..];
            }
            else if (part.IsPlain)
            {
                part.Text = note + "\n\n" + part.Text;
            }
        }
    }

    /// <summary>The outbox reference of one person's test sends of one notice (the actor's id hashed: short, no personal data).</summary>
    private static string Reference(Guid noticeId, Actor actor) =>
        $"{Category}/{noticeId:N}/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(actor.Id)))[..16]}";

    /// <summary>
    /// Serialises one person's test sends of one notice until the transaction ends: PostgreSQL by an advisory lock on
    /// the reference; SQLite's transactions are IMMEDIATE, so they hold the database's write lock already.
    /// </summary>
    private async Task LockAsync(string reference, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({reference}))", cancellationToken);
        }
    }

    /// <summary>The signed-in person's own work address: the directory's, else a single-line address claim.</summary>
    private async Task<string?> OwnAddressAsync(Actor actor, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (actor.EmployeeId is { } employeeId && await directory.FindAsync(employeeId, cancellationToken) is { Status: not EmployeeStatus.Separated } me)
        {
            return me.Email;
        }

        foreach (var type in EmailClaimTypes)
        {
            var value = user.FindFirst(type)?.Value;
            if (MailAddresses.TryParseMailbox(value, out var mailbox) && string.IsNullOrEmpty(mailbox.Name))
            {
                return mailbox.Address;
            }
        }

        return null;
    }

    private async Task AuditAsync(Guid noticeId, Actor actor, AuditChannel channel, AuditOutcome outcome, string detail, CancellationToken cancellationToken)
    {
        NoticeAudit.Add(db, noticeId, actor, AuditAction, channel, outcome, time.GetUtcNow(), detail);
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <param name="EmployeeId">Whose version of the email to send (their name and series); the address is always yours.</param>
internal sealed record TestSendRequest(string? EmployeeId);

internal sealed record TestSendResponse(string SentTo, string MessageId, string Delivery);

internal static class TestSendEndpoint
{
    public static RouteHandlerBuilder MapTestSend(this IEndpointRouteBuilder notices) =>
        notices.MapPost("/{id:guid}/test-send", SendAsync)
            .WithName("TestSendNotice")
            .WithSummary("Queues the notice email to the signed-in user's own address (202 with its Message-ID); at most 5 per notice per user in 10 minutes.");

    private static async Task<Results<Accepted<TestSendResponse>, NotFound, ValidationProblem, ProblemHttpResult>> SendAsync(
        Guid id,
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] TestSendRequest? request,
        TestSendHandler handler,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var outcome = await handler.SendAsync(id, request?.EmployeeId, context.User, AuditChannel.Api, cancellationToken);
        switch (outcome.Status)
        {
            case TestSendStatus.Queued:
                return TypedResults.Accepted((string?)null, new TestSendResponse(outcome.SentTo!, outcome.MessageId!, outcome.Delivery!));
            case TestSendStatus.NoticeNotFound:
                return TypedResults.NotFound();
            case TestSendStatus.EmployeeNotFound:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["employeeId"] = ["No employee has that id."] });
            case TestSendStatus.NoAddress:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "We don't know your email address",
                    detail: "Your sign-in does not match anyone in the staff directory and carries no email address.");
            case TestSendStatus.RateLimited:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(outcome.RetryAfter!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many test sends",
                    detail: $"At most {TestSendHandler.Limit} test sends per notice every {TestSendHandler.Window.TotalMinutes:0} minutes.");
            default:
                throw new InvalidOperationException($"Unexpected test send status {outcome.Status}.");
        }
    }
}
