using System.Net.Http.Json;
using Notices.Signup.Database;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Identity.Mail;
using Notices.Signup.Approvals;
using Notices.Signup.Inbound;
using Notices.Signup.Replies;
using Notices.Testing;

namespace Notices.Signup.Tests.Replies;

/// <summary>
/// Deciding by replying, end to end on both databases: replies dropped in the drop folder (the Development default),
/// read by the one pipeline, answered through the outbox into the file mailbox. The IMAP tests run the same cases
/// against Dovecot.
/// </summary>
public sealed class ReplyPipelineTests
{
    private const string Supervisor = "Pat Supervisor <pat.supervisor@agency.example>";
    private const string Reason = "We are down two officers until March; losing another stops the backlog work.";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Replies_from_the_approver_in_Outlook_Gmail_and_Apple_Mail_formats_decide_once_each(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = new FolderMailbox(db);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 4);

        // Each quotes our request, whose text says APPROVE: only what was written above the quote counts.
        var replies = new[]
        {
            ReplyMessages.Reply(requests[0], Supervisor, "Deny - " + Reason, client: "outlook"),
            ReplyMessages.Reply(requests[1], Supervisor, "Approved.", client: "gmail"),
            ReplyMessages.Reply(requests[2], Supervisor, "yes", client: "apple"),
            ReplyMessages.Reply(requests[3], Supervisor, "DENIED\n" + Reason, client: "outlook-web"),
        };
        foreach (var reply in replies)
        {
            await mailbox.DeliverAsync(reply);
        }

        foreach (var reply in replies)
        {
            Assert.Equal(ReplyOutcome.Applied, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(reply))).Outcome);
        }

        var approvals = await app.ApprovalsAsync(scenario.NoticeId);
        Assert.Equal([ApprovalState.Denied, ApprovalState.Approved, ApprovalState.Approved, ApprovalState.Denied], approvals.Select(a => a.State));
        Assert.Equal(Reason, approvals[0].Justification);
        Assert.Equal(Reason, approvals[3].Justification);
        Assert.All(approvals, a => Assert.Equal("employee:" + SignupScenario.Supervisor, a.DecidedBy));

        // The same path as the portal: the employees are told, and the audit names the channel and the reply.
        Assert.Equal(4, (await app.QueuedToAsync("approval-decision")).Count);
        var audit = await ReplyApp.ApprovalAuditAsync(app, approvals[1].Id);
        var decided = Assert.Single(audit, e => e.Action == "approval.approved");
        Assert.Equal((AuditChannel.Email, "reply " + ReplyApp.MessageIdOf(replies[1])), (decided.Channel, decided.Detail));

        // Each approver's reply is answered once, as a reply to it, marked automatic.
        var answers = await ReplyApp.WaitForMailAsync(app, m => m.Headers[HeaderId.AutoSubmitted] == "auto-replied", 4);
        var confirmation = Assert.Single(answers, a => a.InReplyTo == ReplyApp.MessageIdOf(replies[1]));
        Assert.Contains(ReplyApp.MessageIdOf(replies[1]), confirmation.References);
        Assert.Equal(SignupScenario.SupervisorEmail, confirmation.To.Mailboxes.Single().Address);
        Assert.Contains("you approved", confirmation.TextBody, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(mailbox.Incoming));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_spoofed_sender_a_DMARC_failure_or_a_forged_Authentication_Results_decides_nothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = new FolderMailbox(db);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 1);
        var request = requests[0];

        var attempts = new[]
        {
            // From someone who is not the approver, with a perfect pass from our server.
            ReplyMessages.Reply(request, "Mallory <mallory@elsewhere.example>", "APPROVE", authenticationResults: [Stamps.Pass("elsewhere.example")]),
            // The approver's address, but our server says DMARC failed.
            ReplyMessages.Reply(request, Supervisor, "APPROVE", authenticationResults: [Stamps.DmarcFail()]),
            // A pass forged by the sender with our authserv-id, below our server's real (failing) header.
            ReplyMessages.Reply(request, Supervisor, "APPROVE", authenticationResults: [Stamps.DmarcFail(), Stamps.Pass()]),
            // Only another server's pass, and none from ours.
            ReplyMessages.Reply(request, Supervisor, "APPROVE", authenticationResults: [Stamps.OtherServerPass()]),
        };
        foreach (var attempt in attempts)
        {
            await mailbox.DeliverAsync(attempt);
            var outcome = await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(attempt));
            Assert.Equal(ReplyOutcome.Refused, outcome.Outcome);
        }

        Assert.Equal(ApprovalState.Pending, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).State);
        Assert.Empty(await app.QueuedToAsync("approval-decision"));

        // Nothing goes back to the spoofer: the approver (at their directory address) is asked to use the portal.
        var answers = await ReplyApp.WaitForMailAsync(app, m => m.Headers[HeaderId.AutoSubmitted] == "auto-replied", 4);
        Assert.All(answers, a => Assert.Equal(SignupScenario.SupervisorEmail, a.To.Mailboxes.Single().Address));
        Assert.All(answers, a => Assert.Contains("portal", a.TextBody, StringComparison.Ordinal));
        var refusals = (await ReplyApp.ApprovalAuditAsync(app, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).Id)).Where(e => e.Action == "approval.reply-refused").ToList();
        Assert.Equal(4, refusals.Count);
        Assert.All(refusals, r => Assert.Equal((AuditChannel.Email, AuditOutcome.Refused), (r.Channel, r.Outcome)));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(db.DataDirectory, "mailbox", "set-aside"), "*.reason.txt").Length);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_reply_forwarded_by_another_employee_decides_nothing_but_an_acting_approver_may_decide(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = new FolderMailbox(db);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 2);

        // E000002 got the email forwarded and answers it: same key, same thread, passing authentication.
        var forwarded = ReplyMessages.Reply(requests[0], $"Person 2 <{DeliveryIntents.RecipientEmail(2)}>", "Approve", client: "outlook");
        await mailbox.DeliverAsync(forwarded);
        Assert.Equal(ReplyOutcome.Refused, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(forwarded))).Outcome);
        Assert.All(await app.ApprovalsAsync(scenario.NoticeId), a => Assert.Equal(ApprovalState.Pending, a.State));

        // The supervisor names E000002 as acting approver: now the same kind of reply decides, on their behalf.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var signup = scope.ServiceProvider.GetRequiredService<SignupDbContext>();
            var today = scope.ServiceProvider.GetRequiredService<Delegations>().Today;
            signup.Delegations.Add(new Delegation
            {
                SupervisorEmployeeId = SignupScenario.Supervisor,
                DelegateEmployeeId = DeliveryIntents.RecipientId(2),
                From = today,
                To = today.AddDays(2),
                CreatedAt = DateTimeOffset.UtcNow,
                CreatedBy = "employee:" + SignupScenario.Supervisor,
            });
            await signup.SaveChangesAsync();
        }

        var acting = ReplyMessages.Reply(requests[1], $"Person 2 <{DeliveryIntents.RecipientEmail(2)}>", "Approve");
        await mailbox.DeliverAsync(acting);
        Assert.Equal(ReplyOutcome.Applied, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(acting))).Outcome);
        var decided = (await app.ApprovalsAsync(scenario.NoticeId))[1];
        Assert.Equal((ApprovalState.Approved, "employee:E000002", SignupScenario.Supervisor), (decided.State, decided.DecidedBy, decided.DecidedOnBehalfOf));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Out_of_office_replies_and_bounces_get_no_answer_and_a_bounce_marks_its_outbox_row(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = new FolderMailbox(db);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 1);
        var request = requests[0];

        var automatic = new[]
        {
            ReplyMessages.Reply(request, Supervisor, "I am out of the office until Monday.", subject: "Automatic reply: " + request.Subject,
                adjust: m => m.Headers.Add(HeaderId.AutoSubmitted, "auto-replied")),
            ReplyMessages.Reply(request, Supervisor, "Ich bin bis Montag nicht im Büro.", subject: "Abwesenheitsnotiz: " + request.Subject),
            ReplyMessages.Reply(request, Supervisor, "Approve", adjust: m => m.Headers.Add(HeaderId.Precedence, "bulk")),
            ReplyMessages.Bounce(request.MessageId!, SignupScenario.SupervisorEmail),
        };
        foreach (var message in automatic)
        {
            await mailbox.DeliverAsync(message);
        }

        var outcomes = new List<ReplyOutcome>();
        foreach (var message in automatic)
        {
            outcomes.Add((await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(message))).Outcome);
        }

        Assert.Equal([ReplyOutcome.AutoReply, ReplyOutcome.AutoReply, ReplyOutcome.AutoReply, ReplyOutcome.Bounce], outcomes);
        Assert.Equal(ApprovalState.Pending, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).State);
        Assert.DoesNotContain(await app.TransactionalMessagesAsync(), m => m.Category == ReplyProcessor.AnswerCategory);
        var bounced = await app.Services.GetRequiredService<IMailOutbox>().FindAsync(request.MessageId!);
        Assert.NotNull(bounced?.BouncedAt);
        Assert.StartsWith("bounced: 5.1.1", bounced!.LastDetail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_same_message_delivered_twice_or_by_two_sources_is_processed_once(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = new FolderMailbox(db);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 1);
        var reply = ReplyMessages.Reply(requests[0], Supervisor, "Approve");

        await mailbox.DeliverAsync(reply);
        await mailbox.DeliverAsync(reply);
        await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(reply));
        await app.WaitAsync(() => Task.FromResult(Directory.GetFiles(mailbox.Incoming).Length), n => n == 0, TimeSpan.FromSeconds(30), "both copies filed");

        // The same message arriving through another source (as a Graph or IMAP copy would) changes nothing either.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var again = await scope.ServiceProvider.GetRequiredService<ReplyProcessor>()
                .ProcessAsync(new InboundMessage("other-1", MimeMessage.Load(new MemoryStream(reply)), reply), "graph:approvals@agency.example", CancellationToken.None);
            Assert.True(again.Duplicate);
        }

        Assert.Single(await ReplyApp.ProcessedAsync(app));
        Assert.Single(await app.QueuedToAsync("approval-decision"));
        Assert.Single(await app.QueuedToAsync(ReplyProcessor.AnswerCategory));
        Assert.Equal(ApprovalState.Approved, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).State);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_reply_after_the_decision_is_answered_already_decided_and_unclear_replies_get_the_grammar(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var mailbox = new FolderMailbox(db);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 2);

        // Unclear answers change nothing and get the grammar with the portal link.
        var unclear = new[]
        {
            ReplyMessages.Reply(requests[1], Supervisor, ""),
            ReplyMessages.Reply(requests[1], Supervisor, "approve, but only if she is back by March"),
            ReplyMessages.Reply(requests[1], Supervisor, "Approve / deny"),
            ReplyMessages.Reply(requests[1], Supervisor, "Deny"),
        };
        foreach (var message in unclear)
        {
            await mailbox.DeliverAsync(message);
            Assert.Equal(ReplyOutcome.Refused, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(message))).Outcome);
        }

        Assert.All(await app.ApprovalsAsync(scenario.NoticeId), a => Assert.Equal(ApprovalState.Pending, a.State));
        var help = await ReplyApp.WaitForMailAsync(app, m => m.Headers[HeaderId.AutoSubmitted] == "auto-replied", 4);
        Assert.All(help, h => Assert.Contains("APPROVE", h.TextBody, StringComparison.Ordinal));
        Assert.All(help, h => Assert.Contains("https://notices.agency.example/approvals/", h.TextBody, StringComparison.Ordinal));

        using var supervisor = await app.ApproverClientAsync(SignupScenario.Supervisor);
        var id = (await app.ApprovalsAsync(scenario.NoticeId))[0].Id;
        using (var decided = await supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "approve" }))
        {
            Assert.True(decided.IsSuccessStatusCode);
        }

        var late = ReplyMessages.Reply(requests[0], Supervisor, "Deny: " + Reason);
        await mailbox.DeliverAsync(late);
        Assert.Equal(ReplyOutcome.AlreadyDecided, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(late))).Outcome);
        Assert.Equal(ApprovalState.Approved, (await app.ApprovalsAsync(scenario.NoticeId))[0].State);
        var answer = Assert.Single(await ReplyApp.WaitForMailAsync(app, m => m.InReplyTo == ReplyApp.MessageIdOf(late)));
        Assert.Contains("already approved by", answer.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_to_one_address_stop_at_the_hourly_limit_so_nothing_can_make_us_loop()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var mailbox = new FolderMailbox(db);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var (_, requests) = await ReplyApp.VolunteerAsync(app, employees: 1);

        var replies = Enumerable.Range(1, 7).Select(i => ReplyMessages.Reply(requests[0], Supervisor, $"Let me think about it ({i})")).ToList();
        foreach (var reply in replies)
        {
            await mailbox.DeliverAsync(reply);
        }

        foreach (var reply in replies)
        {
            Assert.Equal(ReplyOutcome.Refused, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(reply))).Outcome);
        }

        var processed = await ReplyApp.ProcessedAsync(app);
        Assert.Equal(5, processed.Count(r => r.Answered));
        Assert.Equal(5, (await app.QueuedToAsync(ReplyProcessor.AnswerCategory)).Count);
    }
}
