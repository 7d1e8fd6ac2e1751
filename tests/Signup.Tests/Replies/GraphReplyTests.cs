using Notices.Identity.Database;
using Notices.Signup.Approvals;
using Notices.Signup.Replies;
using Notices.Testing;

namespace Notices.Signup.Tests.Replies;

/// <summary>
/// The Microsoft Graph source end to end: the approvals mailbox is served over loopback HTTP in Graph's wire format
/// (inbox messages delta with next and delta links, <c>/messages/{id}/$value</c> MIME, folders, moves), the background
/// reader feeds the real pipeline, and the outcome lands in the database and in the mailbox's folders.
/// </summary>
public sealed class GraphReplyTests
{
    private const string Approvals = "approvals@agency.example";
    private const string Supervisor = "Pat Supervisor <pat.supervisor@agency.example>";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Through_Graph_the_approvers_reply_decides_and_a_spoofed_one_is_moved_to_set_aside(DatabaseProvider provider)
    {
        using var graph = FakeGraphMail.Start();
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = ReplyApp.Settings(db, source: "Graph");
        settings["Notices:Mail:Inbound:Graph:Mailbox"] = Approvals;
        settings["Notices:Mail:Inbound:Graph:PollIntervalSeconds"] = "5";
        await using var app = new NoticesAppFactory(db, settings, configureServices: services => services.UseFakeGraph(graph));
        var (scenario, requests) = await ReplyApp.VolunteerAsync(app, employees: 2);

        var spoofed = ReplyMessages.Reply(requests[1], "Mallory <mallory@elsewhere.example>", "APPROVE", authenticationResults: [Stamps.Pass("elsewhere.example")]);
        var approve = ReplyMessages.Reply(requests[0], Supervisor, "Approve", client: "outlook");
        var spoofedId = graph.Deliver(Approvals, spoofed);
        var approveId = graph.Deliver(Approvals, approve);

        Assert.Equal(ReplyOutcome.Applied, (await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(approve))).Outcome);
        var refused = await ReplyApp.WaitForOutcomeAsync(app, ReplyApp.MessageIdOf(spoofed));
        Assert.Equal(ReplyOutcome.Refused, refused.Outcome);

        var approvals = await app.ApprovalsAsync(scenario.NoticeId);
        Assert.Equal([ApprovalState.Approved, ApprovalState.Pending], approvals.Select(a => a.State));
        await app.WaitAsync(() => Task.FromResult(graph.FolderOf(Approvals, spoofedId)), folder => folder == "Notices set aside", TimeSpan.FromSeconds(30), "the spoofed reply set aside");
        // The move follows the recorded outcome, so it is waited for too.
        await app.WaitAsync(() => Task.FromResult(graph.FolderOf(Approvals, approveId)), folder => folder == "Notices processed", TimeSpan.FromSeconds(30), "the approving reply moved to processed");
        Assert.Empty(graph.Refusals);

        // The decision was confirmed to the approver by a threaded answer.
        var answers = await ReplyApp.WaitForMailAsync(app, m => m.InReplyTo == ReplyApp.MessageIdOf(approve));
        Assert.Single(answers);
    }
}
