using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Notices.Testing;

/// <summary>A message as it arrived at a test SMTP server: the envelope and the raw bytes.</summary>
/// <param name="Secure">True when the message came over TLS (STARTTLS).</param>
public sealed record ReceivedMessage(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, byte[] Raw, bool Secure)
{
    public MimeMessage Parse() => MimeMessage.Load(new MemoryStream(Raw));

    /// <summary>When the server stored it (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for rate checks.</summary>
    public long ReceivedTimestamp { get; init; }
}

/// <summary>
/// A real SMTP server in the test process (the SmtpServer package) on a free loopback port. It keeps every message's
/// raw bytes, counts connections, and can refuse chosen recipients with a chosen reply (550 5.1.1, 451 4.3.0, or
/// 421 with the connection closed). One per test; no shared state.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();
    private readonly ConcurrentDictionary<string, (int Code, string Text, bool Close)> _refusals = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _refusalsLeft = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (int Code, string Text)> _senderRefusals = new(StringComparer.OrdinalIgnoreCase);
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connections;
    private Task _running = Task.CompletedTask;

    private TestSmtpServer(int port, X509Certificate2? certificate)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test.example")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port));
                if (certificate is not null)
                {
                    endpoint.Certificate(certificate); // offered through STARTTLS
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter(this));
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, _) => _listening.TrySetResult();
        services.Add(listeners);
        _server = new SmtpServer.SmtpServer(options, services);
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _connections);
    }

    public int Port { get; }

    /// <summary>How many SMTP connections (sessions) were opened so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<ReceivedMessage> Messages => _messages.ToArray();

    /// <param name="certificate">When given, the server offers STARTTLS with it.</param>
    public static async Task<TestSmtpServer> StartAsync(X509Certificate2? certificate = null)
    {
        var server = new TestSmtpServer(FreePort(), certificate);
        server._running = server._server.StartAsync(server._stop.Token);
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>Answer RCPT TO for this address with the given reply, e.g. (550, "5.1.1 User unknown").</summary>
    public void Refuse(string address, int code, string text, bool closeConnection = false)
    {
        _refusalsLeft.TryRemove(address, out _);
        _refusals[address] = (code, text, closeConnection);
    }

    /// <summary>Answer RCPT TO for this address with the given reply the next <paramref name="times"/> times, then accept.</summary>
    public void RefuseTimes(string address, int times, int code, string text)
    {
        _refusals[address] = (code, text, false);
        _refusalsLeft[address] = times;
    }

    /// <summary>Stops refusing this address (a relay's temporary refusal has cleared).</summary>
    public void Accept(string address) => _refusals.TryRemove(address, out _);

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, made for one test.</summary>
    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=smtp.test.example", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Answer MAIL FROM for this sender with the given reply, e.g. (550, "5.7.1 Sender not allowed").</summary>
    public void RefuseSender(string address, int code, string text) => _senderRefusals[address] = (code, text);

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilListeningAsync()
    {
        var started = await Task.WhenAny(_listening.Task, _running);
        await started; // Surfaces a failure to bind.
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            server._messages.Enqueue(new ReceivedMessage(
                transaction.From.AsAddress(),
                transaction.To.Select(to => to.AsAddress()).ToArray(),
                buffer.ToArray(),
                context.Pipe.IsSecure) { ReceivedTimestamp = System.Diagnostics.Stopwatch.GetTimestamp() });
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    private sealed class Filter(TestSmtpServer server) : MailboxFilter
    {
        public override Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
        {
            if (server._senderRefusals.TryGetValue(from.AsAddress(), out var refusal))
            {
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)refusal.Code, refusal.Text));
            }

            return Task.FromResult(true);
        }

        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            var address = to.AsAddress();
            if (server._refusals.TryGetValue(address, out var refusal))
            {
                // Counted refusals (RefuseTimes) run out; the others last until Accept.
                if (server._refusalsLeft.AddOrUpdate(address, int.MaxValue, (_, left) => left - 1) < 0)
                {
                    server._refusals.TryRemove(address, out _);
                    server._refusalsLeft.TryRemove(address, out _);
                    return Task.FromResult(true);
                }

                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)refusal.Code, refusal.Text), refusal.Close);
            }

            return Task.FromResult(true);
        }
    }
}
