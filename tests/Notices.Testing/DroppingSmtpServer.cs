using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Notices.Testing;

/// <summary>Where <see cref="DroppingSmtpServer"/> hangs up on the chosen message.</summary>
public enum DropPoint
{
    /// <summary>After RCPT TO, before DATA: nothing was handed over.</summary>
    AfterRecipient,

    /// <summary>After the whole payload and its final dot, before the reply: the outcome is unknown to the client.</summary>
    AfterPayload,
}

/// <summary>
/// A minimal scripted SMTP server on loopback that closes the connection without a reply at a chosen point of one
/// chosen message (counted across connections from 1), and accepts every other message. The SmtpServer package
/// cannot drop a connection without answering, which is exactly the case the sender must classify.
/// </summary>
public sealed class DroppingSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly DropPoint _point;
    private readonly int _dropOnMessage;
    private readonly Task _accepting;
    private int _connections;
    private int _messages;
    private int _accepted;

    public DroppingSmtpServer(DropPoint point, int dropOnMessage)
    {
        _point = point;
        _dropOnMessage = dropOnMessage;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Messages answered with 250 after their payload.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.Latin1);
                var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 dropping.test.example ESMTP");
                var message = 0;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO" or "HELO":
                            await writer.WriteLineAsync("250 dropping.test.example");
                            break;
                        case "MAIL":
                            message = Interlocked.Increment(ref _messages);
                            await writer.WriteLineAsync("250 2.1.0 OK");
                            break;
                        case "RCPT":
                            if (message == _dropOnMessage && _point == DropPoint.AfterRecipient)
                            {
                                return;
                            }

                            await writer.WriteLineAsync("250 2.1.5 OK");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                            while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                            {
                            }

                            if (message == _dropOnMessage && _point == DropPoint.AfterPayload)
                            {
                                return;
                            }

                            Interlocked.Increment(ref _accepted);
                            await writer.WriteLineAsync("250 2.0.0 OK queued");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 2.0.0 Bye");
                            return;
                        default:
                            await writer.WriteLineAsync("250 OK");
                            break;
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
