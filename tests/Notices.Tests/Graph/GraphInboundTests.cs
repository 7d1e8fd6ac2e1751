using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notices.Identity.Database;
using Notices.Signup.Inbound;
using Notices.Testing;

namespace Notices.Tests.Graph;

/// <summary>Reading the approvals mailbox through Graph: inbox delta, MIME, moves, and a delta link kept across restarts.</summary>
public sealed class GraphInboundTests
{
    private const string Approvals = "approvals@agency.example";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Replies_arrive_byte_for_byte_with_their_headers_and_are_moved_once_processed(DatabaseProvider provider)
    {
        using var graph = FakeGraphMail.Start();
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = InboundApp(database, graph);
        var replies = new[]
        {
            GraphMailIntents.Reply("Pat Lee <pat.lee@agency.example>", "approval-1@agency.example", "APPROVE"),
            GraphMailIntents.Reply("Sam Roe <sam.roe@agency.example>", "approval-2@agency.example", "DENY not this quarter"),
            GraphMailIntents.Reply("Kim Yu <kim.yu@agency.example>", "approval-3@agency.example", "approve", authenticationResults: "mx.agency.example; dmarc=fail header.from=agency.example"),
        };
        var ids = replies.Select(reply => graph.Deliver(Approvals, reply)).ToList();

        var read = await app.ReadRepliesAsync();

        Assert.Empty(graph.Refusals);
        Assert.Equal(ids, read.Select(m => m.SourceId));
        for (var i = 0; i < replies.Length; i++)
        {
            Assert.Equal(replies[i], read[i].Raw.ToArray());
            var original = MimeKit.MimeMessage.Load(new MemoryStream(replies[i]));
            Assert.Equal(original.Headers["Authentication-Results"], read[i].Message.Headers["Authentication-Results"]);
            Assert.Equal($"approval-{i + 1}@agency.example", read[i].Message.InReplyTo);
            Assert.Equal(["thread-start@agency.example", $"approval-{i + 1}@agency.example"], read[i].Message.References);
            Assert.Equal(original.MessageId, read[i].Message.MessageId);
            Assert.Equal("Notices processed", graph.FolderOf(Approvals, ids[i]));
        }

        Assert.Contains("dmarc=fail", read[2].Message.Headers["Authentication-Results"], StringComparison.Ordinal);
        Assert.Empty(await app.ReadRepliesAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Each_message_is_read_once_across_restarts(DatabaseProvider provider)
    {
        using var graph = FakeGraphMail.Start();
        await using var database = await TestDatabase.CreateAsync(provider);
        graph.Deliver(Approvals, GraphMailIntents.Reply("pat.lee@agency.example", "a-1@agency.example", "APPROVE"));
        graph.Deliver(Approvals, GraphMailIntents.Reply("sam.roe@agency.example", "a-2@agency.example", "APPROVE"));
        graph.Deliver(Approvals, GraphMailIntents.Reply("kim.yu@agency.example", "a-3@agency.example", "APPROVE"));

        await using (var first = InboundApp(database, graph))
        {
            // Not marked processed: the messages stay in the inbox, so only the kept delta link stops a second read.
            Assert.Equal(3, (await first.ReadRepliesAsync(markProcessed: false)).Count);
        }

        var fresh = graph.Deliver(Approvals, GraphMailIntents.Reply("lou.ng@agency.example", "a-4@agency.example", "DENY"));
        await using var second = InboundApp(database, graph);

        var read = await second.ReadRepliesAsync(markProcessed: false);

        Assert.Equal([fresh], read.Select(m => m.SourceId));
        Assert.Empty(await second.ReadRepliesAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task While_one_instance_reads_the_mailbox_another_reads_nothing(DatabaseProvider provider)
    {
        using var graph = FakeGraphMail.Start();
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var leader = InboundApp(database, graph);
        await using var other = InboundApp(database, graph);
        graph.Deliver(Approvals, GraphMailIntents.Reply("pat.lee@agency.example", "b-1@agency.example", "APPROVE"));
        graph.Deliver(Approvals, GraphMailIntents.Reply("sam.roe@agency.example", "b-2@agency.example", "APPROVE"));

        var source = leader.Services.GetRequiredService<IInboundMailSource>();
        await using (var round = source.ReadAsync().GetAsyncEnumerator())
        {
            Assert.True(await round.MoveNextAsync());
            Assert.Empty(await other.ReadRepliesAsync());
            await source.MarkProcessedAsync(round.Current);
            Assert.True(await round.MoveNextAsync());
            await source.MarkProcessedAsync(round.Current);
            Assert.False(await round.MoveNextAsync());
        }

        var later = graph.Deliver(Approvals, GraphMailIntents.Reply("kim.yu@agency.example", "b-3@agency.example", "APPROVE"));
        Assert.Equal([later], (await other.ReadRepliesAsync()).Select(m => m.SourceId));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Oversized_or_malformed_messages_are_set_aside_and_logged_and_the_next_one_is_read(DatabaseProvider provider)
    {
        using var graph = FakeGraphMail.Start();
        await using var database = await TestDatabase.CreateAsync(provider);
        var logs = new List<string>();
        await using var app = InboundApp(database, graph, logs, maxMessageBytes: 4096);
        var oversized = graph.Deliver(Approvals, GraphMailIntents.Reply("pat.lee@agency.example", "c-1@agency.example", "APPROVE " + new string('x', 8000)));
        var malformed = graph.Deliver(Approvals, []);
        var good = graph.Deliver(Approvals, GraphMailIntents.Reply("sam.roe@agency.example", "c-2@agency.example", "APPROVE"));

        var read = await app.ReadRepliesAsync();

        Assert.Equal([good], read.Select(m => m.SourceId));
        Assert.Equal("Notices set aside", graph.FolderOf(Approvals, oversized));
        Assert.Equal("Notices set aside", graph.FolderOf(Approvals, malformed));
        Assert.Equal("Notices processed", graph.FolderOf(Approvals, good));
        lock (logs)
        {
            Assert.Contains(logs, line => line.Contains("Set aside message " + oversized, StringComparison.Ordinal) && line.Contains("larger than 4096 bytes", StringComparison.Ordinal));
            Assert.Contains(logs, line => line.Contains("Set aside message " + malformed, StringComparison.Ordinal) && line.Contains("not a MIME message", StringComparison.Ordinal));
            Assert.DoesNotContain(logs, line => line.Contains("xxxxxxxx", StringComparison.Ordinal) || line.Contains("sam.roe@agency.example", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Reading_through_Graph_without_a_mailbox_stops_start_up_naming_the_key()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string> { ["Notices:Mail:Inbound:Source"] = "Graph" });

        // The real host, not the factory's deferred start, which can report a start that fails at once as a disposed host.
        var exception = await app.StartupErrorAsync();
        Assert.NotNull(exception);

        Assert.Contains("Notices:Mail:Inbound:Graph:Mailbox is required", exception!.ToString(), StringComparison.Ordinal);
    }

    private static NoticesAppFactory InboundApp(TestDatabase database, FakeGraphMail graph, List<string>? logs = null, int? maxMessageBytes = null)
    {
        var settings = GraphMailIntents.GraphInboundSettings(Approvals);
        if (maxMessageBytes is { } max)
        {
            settings["Notices:Mail:Inbound:Graph:MaxMessageBytes"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new NoticesAppFactory(database, settings, configureServices: services =>
        {
            services.UseFakeGraph(graph);
            if (logs is not null)
            {
                services.AddSingleton<ILoggerProvider>(new CollectingLoggerProvider(logs));
            }
        });
    }
}
