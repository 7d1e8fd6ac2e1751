using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Users.Item.SendMail;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using MimeKit;
using Notices.Identity.Graph;
using Notices.Mail.Delivery;

namespace Notices.Mail.Graph;

/// <summary>
/// Sends through Microsoft Graph: <c>POST /users/{mailbox}/sendMail</c> with the message as base64 MIME
/// (<c>Content-Type: text/plain</c>), so our Message-ID, Auto-Submitted and every other header go out as built.
/// Mailboxes are used in turn within their own limits (<see cref="GraphMailboxPool"/>). Graph's own retry handler
/// is switched off for this request: the outbox decides about retries, from the classified result.
/// </summary>
internal sealed partial class GraphMailTransport(
    IServiceProvider services,
    GraphMailboxPool pool,
    IOptions<GraphMailOptions> options,
    TimeProvider time,
    ILogger<GraphMailTransport> logger) : IMailTransport
{
    /// <summary>Waiting longer than this for a mailbox (a full day window, a long 429) comes back as a transient result instead.</summary>
    internal static readonly TimeSpan MaxMailboxWait = TimeSpan.FromSeconds(61);

    private static readonly FormatOptions WireFormat = CreateFormat();

    private GraphServiceClient? _client;

    public string Name => nameof(MailTransportKind.Graph);

    public ValueTask<IMailSession> OpenSessionAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IMailSession>(new Session(this));

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    // The factory is E1's (client credentials); resolved on first use so that other transports never need it.
    private GraphServiceClient Client => _client ??= services.GetRequiredService<IGraphClientFactory>().Create();

    private async ValueTask<DeliveryResult> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var recipient = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).FirstOrDefault();
        if (message.From.Mailboxes.FirstOrDefault() is null || recipient is null)
        {
            return DeliveryResult.Permanent("the message has no sender or no recipient");
        }

        string? mailbox;
        while ((mailbox = pool.TryReserve(out var wait)) is null)
        {
            if (wait > MaxMailboxWait)
            {
                LogAllMailboxesFull(logger, wait);
                return DeliveryResult.Transient($"every Graph mailbox is at its limit for {wait:g}", retryAfter: wait);
            }

            await Task.Delay(wait, time, cancellationToken);
        }

        var payload = new PayloadStream(await EncodeAsync(message, cancellationToken));
        var handler = new NativeResponseHandler();
        var request = Client.Users[mailbox].SendMail.ToPostRequestInformation(new SendMailPostRequestBody());
        request.Headers.Remove("Content-Type");
        request.SetStreamContent(payload, "text/plain");
        request.AddRequestOptions([
            new RetryHandlerOption { MaxRetry = 0, ShouldRetry = (_, _, _) => false },
            new ResponseHandlerOption { ResponseHandler = handler },
        ]);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        HttpResponseMessage response;
        try
        {
            await Client.RequestAdapter.SendNoContentAsync(request, cancellationToken: timeout.Token);
            response = handler.Value as HttpResponseMessage
                ?? throw new InvalidOperationException("Graph's request adapter gave no HTTP response.");
        }
        catch (Exception exception) when (IsConnectionLoss(exception))
        {
            if (payload.Complete)
            {
                LogOutcomeUnknown(logger, MailAddresses.Mask(recipient), MailAddresses.Mask(mailbox), exception.GetType().Name);
                return DeliveryResult.Unknown(
                    (cancellationToken.IsCancellationRequested ? "cancelled" : timeout.IsCancellationRequested ? "timed out" : "connection lost")
                    + " after the message was sent to Graph, before it replied");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("Cancelled before the message was sent.", exception, cancellationToken);
            }

            LogNotSent(logger, MailAddresses.Mask(recipient), exception.GetType().Name);
            // Graph unreachable hits every message alike; one slow request does not.
            return timeout.IsCancellationRequested
                ? DeliveryResult.Transient("timed out before the message was sent to Graph")
                : DeliveryResult.Transient("could not reach Graph: " + exception.GetType().Name) with { RelayProblem = true };
        }

        using (response)
        {
            return await ClassifyAsync(response, mailbox, recipient, cancellationToken);
        }
    }

    private async ValueTask<DeliveryResult> ClassifyAsync(HttpResponseMessage response, string mailbox, MailboxAddress recipient, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return DeliveryResult.Sent($"{status} accepted by Graph from {MailAddresses.Mask(mailbox)}", status);
        }

        var code = await ErrorCodeAsync(response, cancellationToken);
        var retryAfter = RetryAfter(response.Headers.RetryAfter, time.GetUtcNow());
        LogRefused(logger, MailAddresses.Mask(recipient), status, code);
        var detail = $"Graph {status} {code}".TrimEnd();
        switch (response.StatusCode)
        {
            case HttpStatusCode.TooManyRequests:
                var delay = retryAfter ?? TimeSpan.FromSeconds(60);
                pool.Block(mailbox, delay);
                return DeliveryResult.Transient(detail, status, delay);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound:
                // Our credentials, our permissions (application access policy, Send As) or the mailbox name: every message would fail.
                return DeliveryResult.Transient(detail + " (check the app's Graph permissions and Notices:Mail:Graph:Mailboxes)", status, retryAfter) with { RelayProblem = true };
            case HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType:
                // An invalid recipient or a message Graph will never take as it is.
                return DeliveryResult.Permanent(detail, status);
            default:
                return DeliveryResult.Transient(detail, status, retryAfter);
        }
    }

    private static async ValueTask<byte[]> EncodeAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var mime = new MemoryStream();
        await message.WriteToAsync(WireFormat, mime, cancellationToken);
        return Encoding.ASCII.GetBytes(Convert.ToBase64String(mime.GetBuffer(), 0, checked((int)mime.Length)));
    }

    /// <summary>Graph's error code (<c>{"error":{"code":"ErrorInvalidRecipients"}}</c>); never its message, which may quote addresses.</summary>
    private static async ValueTask<string> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (body.Length is 0 or > 64 * 1024)
            {
                return "";
            }

            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? HeaderText(code.GetString())
                : "";
        }
        catch (Exception exception) when (exception is JsonException or HttpRequestException or IOException)
        {
            return "";
        }
    }

    private static string HeaderText(string? value) =>
        value is null ? "" : new string([.. value.Where(char.IsAsciiLetterOrDigit).Take(80)]);

    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } when delta > TimeSpan.Zero => delta,
        { Date: { } date } when date > now => date - now,
        _ => null,
    };

    private static bool IsConnectionLoss(Exception exception) =>
        exception is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Every Graph mailbox is at its limit for {Wait}: the message waits for the outbox's retry")]
    private static partial void LogAllMailboxesFull(ILogger logger, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection to Graph lost after the message to {Recipient} was sent from {Mailbox}: outcome unknown ({Error})")]
    private static partial void LogOutcomeUnknown(ILogger logger, string recipient, string mailbox, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message to {Recipient} not sent: Graph unreachable ({Error})")]
    private static partial void LogNotSent(ILogger logger, string recipient, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Graph refused the message to {Recipient}: {Status} {Code}")]
    private static partial void LogRefused(ILogger logger, string recipient, int status, string code);

    private sealed class Session(GraphMailTransport transport) : IMailSession
    {
        public ValueTask<DeliveryResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default) =>
            transport.SendAsync(message, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>The request body; notes when HTTP has read all of it (handed over: a failure after that leaves the outcome unknown).</summary>
    private sealed class PayloadStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public bool Complete { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Note(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Note(base.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Note(await base.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Note(await base.ReadAsync(buffer, offset, count, cancellationToken));

        public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            await base.CopyToAsync(destination, bufferSize, cancellationToken);
            Complete = true;
        }

        private int Note(int read)
        {
            if (Position >= Length)
            {
                Complete = true;
            }

            return read;
        }
    }
}
