using Microsoft.Extensions.DependencyInjection;
using Notices.Composing;
using Notices.Delivery;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Delivery;

/// <summary>A large send to a real SMTP server, counted from what the server received.</summary>
public sealed class DeliverySendTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Twenty_thousand_recipients_get_exactly_one_message_each_with_their_own_link_and_message_id(DatabaseProvider provider)
    {
        const int Recipients = 20_000;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: 4, batch: 50), configureServices: DeliverySettings.Services);
        var notice = await app.SeedReleasedNoticeAsync(Recipients);
        app.Services.GetRequiredService<DeliverySignal>().Notify();

        var counts = await app.WaitForDeliveryAsync(notice.Id, TimeSpan.FromMinutes(5));

        Assert.Equal(Recipients, counts.Sent);
        var received = smtp.Messages;
        Assert.Equal(Recipients, received.Count);
        var byRecipient = received.GroupBy(m => Assert.Single(m.EnvelopeTo)).ToDictionary(g => g.Key, g => Assert.Single(g));
        Assert.Equal(notice.Recipients.Select(r => r.Email).Order(), byRecipient.Keys.Order());
        var links = new HashSet<string>();
        foreach (var recipient in notice.Recipients)
        {
            using var message = byRecipient[recipient.Email].Parse();
            Assert.Equal(recipient.MessageId, message.MessageId);
            var link = DeliveryIntents.SignupLinkIn(message);
            Assert.StartsWith(DeliveryIntents.SignupLinkPrefix, link, StringComparison.Ordinal);
            Assert.True(links.Add(link), "two recipients got the same link");
        }

        Assert.Equal(Recipients, received.Select(m => m.Parse().MessageId).Distinct().Count());
        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));
        Assert.Contains(await app.NoticeEventsAsync(notice.Id), e => e.Action == "sent" && e.Detail == $"sent {Recipients}");
    }
}
