using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;
using Notices.Identity.Mail;
using Notices.Signup.Approvals;
using Notices.Signup.Replies;
using Notices.Testing;

namespace Notices.Signup.Tests.Replies;

/// <summary>
/// Delivery reports other than a plain RFC 3464 failure, through the drop folder on both databases: a delay is kept
/// as a notice and marks nothing; a multipart/report without a machine-readable status is set aside; a mailer-daemon's
/// text bounce counts only when it quotes the Message-ID of one of our messages. None decides or is answered.
/// </summary>
public sealed class DeliveryReportTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Delay_notices_and_unreadable_reports_mark_nothing_and_a_text_bounce_counts_only_when_it_quotes_our_message(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = new FolderMailbox(db);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 1);
        var ours = requests[0].MessageId!;
        var outbox = app.Services.GetRequiredService<IMailOutbox>();

        var delayed = ReplyMessages.Bounce(ours, SignupScenario.SupervisorEmail, status: "4.4.1", action: "delayed");
        var delayWarning = TextBounce("postmaster", ours, "This is a warning message only. Your message has not yet been delivered; the mail system will continue to try for 5 days.");
        var unreadable = ReportWithoutStatus(ours);
        var notOurs = TextBounce("MAILER-DAEMON", "0123456789abcdef@elsewhere.example", "Your message could not be delivered to one or more recipients.");
        var noId = TextBounce("MAILER-DAEMON", null, "Your message could not be delivered to one or more recipients.");

        Assert.Equal(ReplyOutcome.DeliveryNotice, (await DeliverAsync(app, mailbox, delayed)).Outcome);
        var warned = await DeliverAsync(app, mailbox, delayWarning);
        Assert.Equal(ReplyOutcome.DeliveryNotice, warned.Outcome);
        Assert.Contains("not final", warned.Reason, StringComparison.Ordinal);
        var setAside = await DeliverAsync(app, mailbox, unreadable);
        Assert.Equal(ReplyOutcome.SetAside, setAside.Outcome);
        Assert.Equal("delivery report without a machine-readable status", setAside.Reason);
        Assert.Equal(ReplyOutcome.AutoReply, (await DeliverAsync(app, mailbox, notOurs)).Outcome);
        Assert.Equal(ReplyOutcome.AutoReply, (await DeliverAsync(app, mailbox, noId)).Outcome);

        var row = await outbox.FindAsync(ours);
        Assert.NotNull(row);
        Assert.Null(row!.BouncedAt);
        Assert.Contains("machine-readable", await SetAsideReasonsAsync(db), StringComparison.Ordinal);

        var failed = TextBounce("MAILER-DAEMON", ours, "This is the mail system. Your message could not be delivered to one or more recipients: 550 5.1.1 User unknown.");
        var bounced = await DeliverAsync(app, mailbox, failed);
        Assert.Equal(ReplyOutcome.Bounce, bounced.Outcome);
        row = await outbox.FindAsync(ours);
        Assert.NotNull(row!.BouncedAt);
        Assert.StartsWith("bounced: failed (unstructured)", row.LastDetail, StringComparison.Ordinal);

        // Nothing was decided and nothing answered.
        Assert.Equal(ApprovalState.Pending, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).State);
        Assert.DoesNotContain(await app.TransactionalMessagesAsync(), m => m.Category == ReplyProcessor.AnswerCategory);
        Assert.All(await ReplyApp.ProcessedAsync(app), p => Assert.False(p.Answered));
    }

    private static async Task<ProcessedReply> DeliverAsync(NoticesAppFactory app, FolderMailbox mailbox, byte[] mime)
    {
        await mailbox.DeliverAsync(mime);
        return await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(mime));
    }

    /// <summary>The set-aside folder's reasons, once the reader has filed something there (it files right after recording).</summary>
    private static async Task<string> SetAsideReasonsAsync(TestDatabase db)
    {
        var folder = Path.Combine(db.DataDirectory, "mailbox", "set-aside");
        for (var i = 0; i < 100; i++)
        {
            if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.reason.txt").ToList() is { Count: > 0 } files)
            {
                return string.Join('\n', files.Select(File.ReadAllText));
            }

            await Task.Delay(100);
        }

        return "";
    }

    /// <summary>A bounce as some servers still send it: plain text from a mailer-daemon, the returned headers inline.</summary>
    private static byte[] TextBounce(string daemon, string? originalMessageId, string text)
    {
        var quoted = originalMessageId is null ? "" : $"Message-ID: <{originalMessageId}>\n";
        var mime = $"""
            From: Mail Delivery Subsystem <{daemon}@mx.agency.example>
            To: bounces@agency.example
            Subject: Returned mail: see transcript for details
            Date: Sat, 5 Dec 2026 12:00:00 +0000
            Message-ID: <{Guid.NewGuid():N}@mx.agency.example>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=us-ascii

            {text}

               ----- Original message headers -----
            From: Notices <notices@agency.example>
            To: {SignupScenario.SupervisorEmail}
            Subject: Approval needed
            {quoted}
            """;
        return Encoding.ASCII.GetBytes(mime.Replace("\n", "\r\n", StringComparison.Ordinal));
    }

    /// <summary>A multipart/report claiming delivery-status, with prose and the returned headers but no status part.</summary>
    private static byte[] ReportWithoutStatus(string originalMessageId)
    {
        var mime = $"""
            From: Mail Delivery System <MAILER-DAEMON@mx.agency.example>
            To: bounces@agency.example
            Subject: Delivery Status Notification
            Date: Sat, 5 Dec 2026 12:00:00 +0000
            Message-ID: <{Guid.NewGuid():N}@mx.agency.example>
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

            --b1
            Content-Type: text/plain; charset=us-ascii

            There was a problem with your message.

            --b1
            Content-Type: text/rfc822-headers

            From: Notices <notices@agency.example>
            Message-ID: <{originalMessageId}>

            --b1--
            """;
        return Encoding.ASCII.GetBytes(mime.Replace("\n", "\r\n", StringComparison.Ordinal));
    }
}
