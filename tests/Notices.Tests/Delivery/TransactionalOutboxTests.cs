using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Hosting;
using Notices.Identity.Database;
using Notices.Identity.Mail;
using Notices.Templates.Emails;
using Notices.Testing;

namespace Notices.Tests.Delivery;

/// <summary>
/// Transactional email through the one outbox: queued in the transaction of another module's change, sent once
/// with its Message-ID, never when that change rolls back, and ahead of a large throttled notice send.
/// </summary>
public sealed class TransactionalOutboxTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Mail_queued_with_a_committed_change_is_sent_once_with_its_message_id_and_with_a_rolled_back_change_never(DatabaseProvider provider)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: 1));
        var outbox = app.Services.GetRequiredService<IMailOutbox>();
        await using var module = await ProbeModule.CreateAsync(db);

        QueuedMail committed;
        await using (var transaction = await module.Database.BeginTransactionAsync())
        {
            module.Changes.Add(new ProbeChange { Id = 1, What = "volunteered" });
            await module.SaveChangesAsync();
            committed = await outbox.QueueAsync(module, TestEmail(app), new MailEnvelope { To = "ada@agency.example", Category = "probe", Reference = "probe/1" });
            await transaction.CommitAsync();
        }

        QueuedMail rolledBack;
        await using (var transaction = await module.Database.BeginTransactionAsync())
        {
            module.Changes.Add(new ProbeChange { Id = 2, What = "volunteered" });
            await module.SaveChangesAsync();
            rolledBack = await outbox.QueueAsync(module, TestEmail(app), new MailEnvelope { To = "grace@agency.example", Category = "probe", Reference = "probe/2" });
            await transaction.RollbackAsync();
        }

        var sent = await app.WaitForMailAsync(committed.MessageId);
        Assert.Equal(("sent", "probe", "probe/1", 1), (sent.State, sent.Category, sent.Reference, sent.Attempts));
        using var message = Assert.Single(smtp.Messages).Parse();
        Assert.Equal(committed.MessageId, message.MessageId);
        Assert.Equal(["ada@agency.example"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Null(await outbox.FindAsync(rolledBack.MessageId));
        module.ChangeTracker.Clear();
        Assert.Equal([1], await module.Changes.Select(c => c.Id).ToListAsync());
        // Found by the Message-ID a reply or a bounce carries back, angle brackets and all.
        Assert.Equal(sent.Id, (await outbox.FindAsync($"<{committed.MessageId}>"))!.Id);
        // A sent message's content is not kept: it may hold links and personal data.
        Assert.True(await app.OutboxPayloadClearedAsync(sent.Id));
    }

    [Fact]
    public async Task Queuing_without_the_callers_transaction_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        await using var module = await ProbeModule.CreateAsync(db);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            app.Services.GetRequiredService<IMailOutbox>().QueueAsync(module, TestEmail(app), new MailEnvelope { To = "ada@agency.example", Category = "probe" }));

        Assert.Contains("transaction", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ada@agency.example\r\nBcc: all@agency.example", "To")]
    [InlineData("not an address", "To")]
    public async Task An_unsafe_recipient_is_refused_and_nothing_is_queued(string to, string field)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        var outbox = app.Services.GetRequiredService<IMailOutbox>();
        await using var module = await ProbeModule.CreateAsync(db);
        await using var transaction = await module.Database.BeginTransactionAsync();

        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            outbox.QueueAsync(module, TestEmail(app), new MailEnvelope { To = to, Category = "probe" }));

        Assert.Equal(field, refused.ParamName);
        await transaction.CommitAsync();
        Assert.Equal(0, await app.TransactionalRowCountAsync());
    }

    [Fact]
    public async Task A_transactional_email_reaches_the_relay_within_two_seconds_while_a_throttled_notice_send_goes_on_and_the_limit_holds()
    {
        const int PerSecond = 20;
        const int Workers = 4;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: Workers, perSecond: PerSecond, batch: 20));
        var notice = await app.SeedReleasedNoticeAsync(2_000);
        await WaitUntilAsync(() => smtp.Messages.Count >= 60, TimeSpan.FromSeconds(30));

        var queuedAt = Stopwatch.GetTimestamp();
        var queued = await app.Services.GetRequiredService<IMailOutbox>()
            .QueueAsync(TestEmail(app), new MailEnvelope { To = "supervisor@agency.example", Category = "approval-request" });
        await WaitUntilAsync(() => smtp.Messages.Any(m => m.EnvelopeTo.Contains("supervisor@agency.example")), TimeSpan.FromSeconds(10));
        var arrived = smtp.Messages.Single(m => m.EnvelopeTo.Contains("supervisor@agency.example"));
        var atArrival = smtp.Messages.Count;
        await WaitUntilAsync(() => smtp.Messages.Count >= atArrival + PerSecond, TimeSpan.FromSeconds(10));

        var waited = Stopwatch.GetElapsedTime(queuedAt, arrived.ReceivedTimestamp);
        Assert.True(waited < TimeSpan.FromSeconds(2), $"the transactional email waited {waited.TotalMilliseconds:0} ms behind the notice send");
        Assert.Equal(queued.MessageId, arrived.Parse().MessageId);
        var counts = await app.DeliveryCountsAsync(notice.Id);
        Assert.True(counts.Sent < 2_000 && counts.Queued + counts.Sending > 0, "the notice send was still going on");
        // The transactional message took its grant from the same limiter: no second ever saw more than the limit,
        // plus at most one message in flight per sender (the workers and the priority worker) when a window opened.
        var times = smtp.Messages.Select(m => m.ReceivedTimestamp).Order().ToArray();
        Assert.True(BusiestSecond(times) <= PerSecond + Workers + 1, $"{BusiestSecond(times)} messages reached the relay within one second");
    }

    private static int BusiestSecond(long[] times)
    {
        var busiest = 0;
        for (int start = 0, end = 0; start < times.Length; start++)
        {
            while (end < times.Length && times[end] - times[start] < Stopwatch.Frequency)
            {
                end++;
            }

            busiest = Math.Max(busiest, end - start);
        }

        return busiest;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(20);
        }
    }

    private static TestEmailModel TestEmail(NoticesAppFactory app) =>
        new(DateTimeOffset.UtcNow, "Smtp", "test", app.Services.GetRequiredService<LinkBuilder>().Home);
}
