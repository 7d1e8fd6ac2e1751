using Microsoft.Extensions.Options;
using Notices.Mail.Delivery;
using Notices.Testing;

namespace Notices.Tests.Graph;

/// <summary>Sending through Graph's sendMail, against Graph's wire format on loopback.</summary>
public sealed class GraphSendTests
{
    private const string First = "notices-1@agency.example";
    private const string Second = "notices-2@agency.example";

    [Fact]
    public async Task SendMail_posts_base64_MIME_that_keeps_our_Message_ID_and_Auto_Submitted()
    {
        await using var host = GraphSendHost.Create([First]);
        var message = host.Message(messageId: "0123abcd@agency.example");

        var result = await host.SendAsync(message);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Equal(202, result.StatusCode);
        Assert.Empty(host.Graph.Refusals);
        var accepted = Assert.Single(host.Graph.Accepted);
        Assert.Equal(First, accepted.Mailbox);
        Assert.Equal("0123abcd@agency.example", accepted.Message.MessageId);
        Assert.Equal("auto-generated", accepted.Message.Headers["Auto-Submitted"]);
        Assert.Equal("jo.doe@agency.example", accepted.Message.To.Mailboxes.Single().Address);
        Assert.Equal("Volunteers needed: winter coat drive", accepted.Message.Subject);
        Assert.Contains("Sign up at the link.", accepted.Message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs, line => line.Contains("jo.doe@agency.example", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Mailboxes_are_used_in_turn_and_a_full_mailbox_waits_for_its_minute()
    {
        await using var host = GraphSendHost.Create([First, Second], perMinute: 2);
        await using var session = await host.Transport.OpenSessionAsync();

        for (var i = 0; i < 4; i++)
        {
            Assert.True((await session.SendAsync(host.Message())).IsSent);
        }

        var fifth = session.SendAsync(host.Message()).AsTask();
        Assert.False(fifth.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(fifth.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await fifth).IsSent);

        Assert.Equal([First, Second, First, Second, First], host.Graph.Accepted.Select(m => m.Mailbox));
    }

    [Fact]
    public async Task When_every_mailbox_reached_its_daily_limit_the_message_waits_as_transient_with_retry_after()
    {
        await using var host = GraphSendHost.Create([First, Second], perDay: 2);
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await host.SendAsync(host.Message())).IsSent);
        }

        host.Time.Advance(TimeSpan.FromHours(1));
        var result = await host.SendAsync(host.Message());

        Assert.Equal(DeliveryOutcome.Transient, result.Outcome);
        Assert.False(result.RelayProblem);
        Assert.InRange(result.RetryAfter!.Value, TimeSpan.FromHours(22), TimeSpan.FromHours(23.1));
        Assert.Equal(4, host.Graph.SendRequests);
        Assert.Equal(2, host.Graph.Accepted.Count(m => m.Mailbox == First));
        Assert.Equal(2, host.Graph.Accepted.Count(m => m.Mailbox == Second));
    }

    [Fact]
    public async Task A_429_is_transient_with_its_Retry_After_and_the_retry_is_accepted_exactly_once()
    {
        await using var host = GraphSendHost.Create([First]);
        var message = host.Message(messageId: "retry-me@agency.example");
        host.Graph.FailNextSend(429, retryAfterSeconds: 7, errorCode: "ApplicationThrottled");

        var throttled = await host.SendAsync(message);

        Assert.Equal(DeliveryOutcome.Transient, throttled.Outcome);
        Assert.Equal(429, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.RetryAfter);
        Assert.Empty(host.Graph.Accepted);

        // The throttled mailbox is rested for its Retry-After before it is used again.
        var retry = host.SendAsync(message).AsTask();
        Assert.False(retry.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(7));
        var sent = await retry;

        Assert.Equal(DeliveryOutcome.Sent, sent.Outcome);
        Assert.Equal(2, host.Graph.SendRequests);
        var accepted = Assert.Single(host.Graph.Accepted);
        Assert.Equal("retry-me@agency.example", accepted.Message.MessageId);
    }

    [Fact]
    public void Retry_After_is_read_as_seconds_or_as_an_HTTP_date()
    {
        var now = new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(30), Notices.Mail.Graph.GraphMailTransport.RetryAfter(new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30)), now));
        Assert.Equal(TimeSpan.FromMinutes(2), Notices.Mail.Graph.GraphMailTransport.RetryAfter(new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddMinutes(2)), now));
        Assert.Null(Notices.Mail.Graph.GraphMailTransport.RetryAfter(new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddMinutes(-2)), now));
        Assert.Null(Notices.Mail.Graph.GraphMailTransport.RetryAfter(null, now));
    }

    [Fact]
    public async Task A_connection_dropped_after_the_request_was_sent_is_unknown_not_sent()
    {
        await using var dropping = new DroppingHttpServer();
        await using var host = GraphSendHost.Create([First], graphUrl: dropping.BaseUrl);

        var result = await host.SendAsync(host.Message());

        Assert.Equal(DeliveryOutcome.Unknown, result.Outcome);
        Assert.False(result.IsSent);
        Assert.Equal(1, dropping.RequestsRead);
    }

    [Fact]
    public async Task Graph_unreachable_is_transient_and_a_relay_problem()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var host = GraphSendHost.Create([First], graphUrl: $"http://127.0.0.1:{port}");

        var result = await host.SendAsync(host.Message());

        Assert.Equal(DeliveryOutcome.Transient, result.Outcome);
        Assert.True(result.RelayProblem);
    }

    [Theory]
    [InlineData(400, "ErrorInvalidRecipients", "Permanent", false)]
    [InlineData(401, "InvalidAuthenticationToken", "Transient", true)]
    [InlineData(403, "ErrorAccessDenied", "Transient", true)]
    [InlineData(404, "ErrorInvalidUser", "Transient", true)]
    [InlineData(503, "ServiceUnavailable", "Transient", false)]
    [InlineData(504, "GatewayTimeout", "Transient", false)]
    public async Task Graph_refusals_are_classified_for_the_outbox(int status, string code, string outcome, bool relayProblem)
    {
        await using var host = GraphSendHost.Create([First]);
        host.Graph.FailNextSend(status, errorCode: code);

        var result = await host.SendAsync(host.Message());

        Assert.Equal(outcome, result.Outcome.ToString());
        Assert.Equal(status, result.StatusCode);
        Assert.Equal(relayProblem, result.RelayProblem);
        Assert.Contains(code, result.Detail, StringComparison.Ordinal);
        // Graph's error message may quote addresses: neither the result nor the logs carry it.
        Assert.DoesNotContain("someone@agency.example", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs, line => line.Contains("someone@agency.example", StringComparison.Ordinal) || line.Contains("jo.doe@agency.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_recipient_found_by_Graph_is_permanent()
    {
        await using var host = GraphSendHost.Create([First]);

        var result = await host.SendAsync(host.Message(to: "nobody@invalid.example"));

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Empty(host.Graph.Accepted);
    }

    [Fact]
    public async Task The_Graph_transport_without_mailboxes_stops_start_up_naming_the_key()
    {
        var exception = await Assert.ThrowsAnyAsync<OptionsValidationException>(async () =>
        {
            await using var host = GraphSendHost.Create([]);
        });

        Assert.Contains("Notices:Mail:Graph:Mailboxes needs at least one", exception.Message, StringComparison.Ordinal);
    }
}
