using System.Net;
using MimeKit;
using Notices.Identity.Database;
using Notices.Signup.Approvals;
using Notices.Signup.Replies;
using Notices.Testing;

namespace Notices.Signup.Tests.Replies;

/// <summary>The one-command loop: in Development the drop folder is read, and the dev mailbox replies as the approver.</summary>
public sealed class DevMailboxReplyTests
{
    [Fact]
    public async Task In_development_the_mailbox_replies_as_the_approver_and_the_reply_decides()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // Nothing set for replies: the Development defaults (drop folder, plus address) apply.
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Mail:Inbound:Folder:PollIntervalSeconds"] = "1" });
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 1);
        Assert.StartsWith("approvals+", requests[0].ReplyTo.Mailboxes.Single().Address, StringComparison.Ordinal);
        var file = app.OutgoingMailFiles().Single(f => MimeMessage.Load(f).MessageId == requests[0].MessageId);
        var page = $"/dev/mailbox/{Path.GetFileNameWithoutExtension(file)}";
        using var browser = app.CreateBrowserClient();

        Assert.Contains("Reply as the approver", await browser.GetStringAsync(page), StringComparison.Ordinal);
        using var posted = await browser.PostFormAsync(page, "reply", [new("reply", "Approve")]);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Reply sent to the drop folder", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var confirmation = Assert.Single(await ReplyApp.WaitForMailAsync(app, m => m.Headers[HeaderId.AutoSubmitted] == "auto-replied"));
        Assert.Equal(SignupScenario.SupervisorEmail, confirmation.To.Mailboxes.Single().Address);
        Assert.Equal(ApprovalState.Approved, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).State);
        Assert.Equal(ReplyOutcome.Applied, Assert.Single(await ReplyApp.ProcessedAsync(app)).Outcome);
    }
}
