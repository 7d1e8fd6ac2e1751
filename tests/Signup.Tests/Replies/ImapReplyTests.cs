using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;
using Notices.Signup.Approvals;
using Notices.Signup.Database;
using Notices.Signup.Inbound;
using Notices.Signup.Replies;
using Notices.Testing;

namespace Notices.Signup.Tests.Replies;

/// <summary>The reply cases against a real IMAP server (Dovecot on loopback), on both databases, and a reader killed mid-batch.</summary>
public sealed class ImapReplyTests
{
    private const string Supervisor = "Pat Supervisor <pat.supervisor@agency.example>";
    private const string Reason = "We are down two officers until March; losing another stops the backlog work.";

    private static Dictionary<string, string> Settings(TestDatabase db, IReplyMailbox mailbox, string source, bool backgroundReader = true)
    {
        var settings = ReplyApp.Settings(db, source);
        foreach (var (key, value) in mailbox.Settings)
        {
            settings[key] = value;
        }

        settings["Notices:Mail:Inbound:BackgroundReader"] = backgroundReader ? "true" : "false";
        return settings;
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Through_IMAP_the_approvers_replies_decide_and_spoofed_forwarded_or_forged_ones_are_filed_as_refused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = await ImapMailbox.CreateAsync();
        await using var app = new NoticesAppFactory(db, Settings(db, mailbox, "Imap"));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 3);

        var decide = new[]
        {
            ReplyMessages.Reply(requests[0], Supervisor, "Deny: " + Reason, client: "outlook"),
            ReplyMessages.Reply(requests[1], Supervisor, "APPROVE", client: "gmail"),
            ReplyMessages.Reply(requests[2], Supervisor, "Approved!", client: "apple"),
        };
        var refuse = new[]
        {
            ReplyMessages.Reply(requests[1], "Mallory <mallory@elsewhere.example>", "Deny: " + Reason, authenticationResults: [Stamps.Pass("elsewhere.example")]),
            ReplyMessages.Reply(requests[1], $"Person 2 <{DeliveryIntents.RecipientEmail(2)}>", "Deny: " + Reason, client: "outlook"),
            ReplyMessages.Reply(requests[2], Supervisor, "Deny: " + Reason, authenticationResults: [Stamps.DmarcFail(), Stamps.Pass()]),
        };
        foreach (var message in refuse.Concat(decide))
        {
            await mailbox.DeliverAsync(message);
        }

        foreach (var message in refuse)
        {
            Assert.Equal(ReplyOutcome.Refused, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(message))).Outcome);
        }

        foreach (var message in decide)
        {
            Assert.Equal(ReplyOutcome.Applied, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(message))).Outcome);
        }

        var approvals = await app.ApprovalsAsync(scenario.NoticeId);
        Assert.Equal([ApprovalState.Denied, ApprovalState.Approved, ApprovalState.Approved], approvals.Select(a => a.State));
        Assert.Equal(Reason, approvals[0].Justification);

        // Processed messages in one folder; refused ones in the other, each tagged with its reason.
        await app.WaitAsync(() => mailbox.CountAsync(mailbox.Inbox), n => n == 0, TimeSpan.FromSeconds(30), "the inbox emptied");
        Assert.Equal(3, await mailbox.CountAsync(mailbox.ProcessedFolder));
        Assert.Equal(3, await mailbox.CountAsync(mailbox.SetAsideFolder));
        Assert.All(await mailbox.KeywordsAsync(mailbox.SetAsideFolder), k => Assert.Contains(k, w => w.StartsWith("$Notices-", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Through_IMAP_auto_replies_and_bounces_get_no_answer_and_a_message_delivered_twice_is_processed_once(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = await ImapMailbox.CreateAsync();
        await using var app = new NoticesAppFactory(db, Settings(db, mailbox, "Imap"));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 1);

        var outOfOffice = ReplyMessages.Reply(requests[0], Supervisor, "I am away.", subject: "Out of Office: " + requests[0].Subject);
        var bounce = ReplyMessages.Bounce(requests[0].MessageId!, SignupScenario.SupervisorEmail);
        var approve = ReplyMessages.Reply(requests[0], Supervisor, "approve");
        foreach (var message in new[] { outOfOffice, bounce, approve, approve })
        {
            await mailbox.DeliverAsync(message);
        }

        Assert.Equal(ReplyOutcome.AutoReply, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(outOfOffice))).Outcome);
        Assert.Equal(ReplyOutcome.Bounce, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(bounce))).Outcome);
        Assert.Equal(ReplyOutcome.Applied, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(approve))).Outcome);
        await app.WaitAsync(() => mailbox.CountAsync(mailbox.ProcessedFolder), n => n == 4, TimeSpan.FromSeconds(30), "all four filed as processed");

        Assert.Equal(3, (await ReplyApp.ProcessedAsync(app)).Count);
        Assert.Single(await app.QueuedToAsync(ReplyProcessor.AnswerCategory));
        Assert.Single(await app.QueuedToAsync("approval-decision"));
        Assert.Equal(ApprovalState.Approved, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).State);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Imap")]
    [InlineData(DatabaseProvider.Postgres, "Imap")]
    [InlineData(DatabaseProvider.Sqlite, "Folder")]
    public async Task A_reader_killed_mid_batch_loses_nothing_and_repeats_nothing(DatabaseProvider provider, string source)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = source == "Imap" ? (IReplyMailbox)await ImapMailbox.CreateAsync() : new FolderMailbox(db);
        byte[][] replies;
        Guid noticeId;

        // The first instance reads the batch by hand, decides the first reply, and dies before filing it or
        // finishing the round: its lease is still held.
        await using (var first = new NoticesAppFactory(db, Settings(db, mailbox, source, backgroundReader: false)))
        {
            var (scenario, requests) = await ReplyApp.VolunteerAsync(first, employees: 3);
            noticeId = scenario.NoticeId;
            replies = [.. requests.Select(r => ReplyMessages.Reply(r, Supervisor, "Approve"))];
            foreach (var reply in replies)
            {
                await mailbox.DeliverAsync(reply);
            }

            var reader = first.Services.GetRequiredService<IInboundMailSource>().ReadAsync().GetAsyncEnumerator();
            Assert.True(await reader.MoveNextAsync());
            await using (var scope = first.Services.CreateAsyncScope())
            {
                var result = await scope.ServiceProvider.GetRequiredService<ReplyProcessor>().ProcessAsync(reader.Current, "killed", CancellationToken.None);
                Assert.Equal(ReplyOutcome.Applied, result.Outcome);
            }

            // Killed here: the enumerator is abandoned, so the round never files the message nor releases its lease.
            // Time passes until that lease runs out (moved forward here rather than waited for).
            await using var scope2 = first.Services.CreateAsyncScope();
            await scope2.ServiceProvider.GetRequiredService<SignupDbContext>().InboundSources.ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, 0L));
        }

        // The next instance takes the source over and finishes the batch.
        await using var second = new NoticesAppFactory(db, Settings(db, mailbox, source));
        foreach (var reply in replies)
        {
            await ReplyApp.WaitForOutcomeAsync(second, ReplyApp.MessageIdOf(reply));
        }

        await second.WaitAsync(() => ReplyApp.ProcessedAsync(second), rows => rows.Count == 3, TimeSpan.FromSeconds(30), "three replies recorded");
        Assert.All(await second.ApprovalsAsync(noticeId), a => Assert.Equal(ApprovalState.Approved, a.State));
        Assert.Equal(3, (await second.QueuedToAsync("approval-decision")).Count);
        Assert.Equal(3, (await second.QueuedToAsync(ReplyProcessor.AnswerCategory)).Count);
        if (mailbox is ImapMailbox imap)
        {
            await second.WaitAsync(() => imap.CountAsync(imap.ProcessedFolder), n => n == 3, TimeSpan.FromSeconds(30), "all three filed");
            Assert.Equal(0, await imap.CountAsync(imap.Inbox));
        }
        else
        {
            await second.WaitAsync(() => Task.FromResult(Directory.GetFiles(((FolderMailbox)mailbox).Incoming).Length), n => n == 0, TimeSpan.FromSeconds(30), "all three filed");
        }
    }
}
