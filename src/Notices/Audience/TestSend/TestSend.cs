using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Notices.Audience.EmailPreview;
using Notices.Composing;
using Notices.Data;
using Notices.Identity.Authorization;
using Notices.Identity.StaffDirectory;
using Notices.Mail;
using Notices.Mail.Delivery;

namespace Notices.Audience.TestSend;

internal enum TestSendStatus
{
    Sent,
    NotDelivered,
    NoticeNotFound,
    EmployeeNotFound,
    NoAddress,
    RateLimited,
}

/// <param name="SentTo">The address, masked as in logs.</param>
internal sealed record TestSendOutcome(TestSendStatus Status, string? SentTo = null, string? MessageId = null, string? Delivery = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Sends the notice email, rendered for a chosen recipient (by default the sender), to the signed-in user's own
/// address only: from the directory through their employee id, else their sign-in's email claim; never an address
/// a request names. Limited per notice and user over a sliding window counted from the audit trail, so the limit
/// holds across instances and restarts. Every attempt is audited.
/// </summary>
internal sealed class TestSendHandler(
    NoticesDbContext db,
    IStaffDirectory directory,
    NoticeEmailPreviewer previewer,
    IMailTransport transport,
    TimeProvider time,
    ILogger<TestSendHandler> logger)
{
    public const string AuditAction = "test_sent";
    public const int Limit = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private static readonly string[] EmailClaimTypes = ["email", "preferred_username", "upn", ClaimTypes.Email, ClaimTypes.Upn];

    public async Task<TestSendOutcome> SendAsync(Guid noticeId, string? employeeId, ClaimsPrincipal user, string channel, CancellationToken cancellationToken)
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

        var now = time.GetUtcNow();
        var since = now - Window;
        var recent = await db.NoticeEvents.AsNoTracking()
            .Where(e => e.NoticeId == noticeId && e.Actor == actor.Id && e.Action == AuditAction && e.Outcome != "refused" && e.At > since)
            .Select(e => e.At)
            .ToListAsync(cancellationToken);
        if (recent.Count >= Limit)
        {
            await AuditAsync(noticeId, actor, channel, "refused", "rate limited", cancellationToken);
            var retryAfter = recent.Min() + Window - now;
            return new TestSendOutcome(TestSendStatus.RateLimited, RetryAfter: retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);
        }

        var renderAs = string.IsNullOrWhiteSpace(employeeId) ? actor.EmployeeId : employeeId.Trim();
        if (string.IsNullOrEmpty(renderAs))
        {
            return new TestSendOutcome(TestSendStatus.EmployeeNotFound);
        }

        var (status, message, _) = await previewer.BuildAsync(noticeId, renderAs, address, cancellationToken);
        if (message is null)
        {
            return new TestSendOutcome(status == EmailPreviewStatus.NoticeNotFound ? TestSendStatus.NoticeNotFound : TestSendStatus.EmployeeNotFound);
        }

        using (message)
        {
            message.Subject = "[Test] " + message.Subject;
            await using var session = await transport.OpenSessionAsync(cancellationToken);
            var result = await session.SendAsync(message, cancellationToken);
            var masked = MailAddresses.Mask(address);
            await AuditAsync(noticeId, actor, channel, result.IsSent ? "succeeded" : "failed", $"rendered for {renderAs}; {result.Outcome}", cancellationToken);
            logger.LogInformation("Test send of notice {NoticeId} to {Recipient} via {Transport}: {Outcome}", noticeId, masked, transport.Name, result.Outcome);
            return new TestSendOutcome(result.IsSent ? TestSendStatus.Sent : TestSendStatus.NotDelivered, masked, message.MessageId, result.Outcome.ToString().ToLowerInvariant());
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

    private async Task AuditAsync(Guid noticeId, Actor actor, string channel, string outcome, string detail, CancellationToken cancellationToken)
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
            .WithSummary("Sends the notice email to the signed-in user's own address; at most 5 per notice per user in 10 minutes.");

    private static async Task<Results<Ok<TestSendResponse>, NotFound, ValidationProblem, ProblemHttpResult>> SendAsync(
        Guid id,
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] TestSendRequest? request,
        TestSendHandler handler,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var outcome = await handler.SendAsync(id, request?.EmployeeId, context.User, "api", cancellationToken);
        switch (outcome.Status)
        {
            case TestSendStatus.Sent:
                return TypedResults.Ok(new TestSendResponse(outcome.SentTo!, outcome.MessageId!, outcome.Delivery!));
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
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status502BadGateway,
                    title: "The mail relay did not take the test message",
                    detail: $"Delivery outcome: {outcome.Delivery}. Try again later.");
        }
    }
}
