using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using MimeKit;
using Notices.Identity.Graph;
using Notices.Signup.Inbound;
using WireMock;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;
using MockRequest = WireMock.RequestBuilders.Request;

namespace Notices.Testing;

/// <summary>
/// Microsoft Graph's mail endpoints on loopback (WireMock.Net), with Graph's documented wire shapes: <c>sendMail</c>
/// in MIME (base64, <c>text/plain</c>; 202 Accepted), the inbox messages delta (<c>@odata.nextLink</c> pages, then an
/// <c>@odata.deltaLink</c>; moved messages as <c>@removed</c>), <c>/messages/{id}/$value</c>, mail folders and
/// <c>move</c>. Scripted failures (429 Retry-After, 4xx/5xx, a dropped connection) answer the next sendMail calls.
/// </summary>
public sealed class FakeGraphMail : IDisposable
{
    private readonly WireMockServer _server;
    private readonly object _lock = new();
    private readonly Dictionary<string, Mailbox> _mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<Func<IResponseMessage>> _sendScript = new();
    private readonly List<AcceptedMail> _accepted = [];
    private readonly List<string> _refusals = [];
    private int _sequence;

    private FakeGraphMail(WireMockServer server)
    {
        _server = server;
        _server.Given(MockRequest.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(Handle));
    }

    /// <summary>Graph's root on loopback (without the version segment).</summary>
    public string BaseUrl => _server.Url!;

    /// <summary>Messages per delta page (Graph's default is larger; small pages exercise <c>@odata.nextLink</c>).</summary>
    public int DeltaPageSize { get; set; } = 2;

    public static FakeGraphMail Start() => new(WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] }));

    /// <summary>Messages Graph accepted (202), in order, with the mailbox that sent them.</summary>
    public IReadOnlyList<AcceptedMail> Accepted
    {
        get
        {
            lock (_lock)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>Requests the fake refused: failed sendMail validation, or no such endpoint (should stay empty).</summary>
    public IReadOnlyList<string> Refusals
    {
        get
        {
            lock (_lock)
            {
                return [.. _refusals];
            }
        }
    }

    /// <summary>How many sendMail requests reached the server, accepted or not.</summary>
    public int SendRequests => _server.LogEntries.Count(entry => entry.RequestMessage.Path.EndsWith("/sendMail", StringComparison.Ordinal));

    /// <summary>The next sendMail call gets this status (and optional Retry-After seconds and Graph error code).</summary>
    public void FailNextSend(int status, int? retryAfterSeconds = null, string? errorCode = null) =>
        _sendScript.Enqueue(() =>
        {
            var response = Json(status, new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = errorCode ?? "ErrorServerBusy", ["message"] = "Scripted failure for recipient someone@agency.example." },
            });
            if (retryAfterSeconds is { } seconds)
            {
                response.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
            }

            return response;
        });

    /// <summary>Delivers a message to <paramref name="mailbox"/>'s inbox; returns its Graph id.</summary>
    public string Deliver(string mailbox, byte[] mime)
    {
        lock (_lock)
        {
            var box = MailboxFor(mailbox);
            var sequence = ++_sequence;
            var id = "AAMkAGI2TG93AAA" + sequence.ToString("D4", CultureInfo.InvariantCulture) + "=";
            box.Messages.Add(new StoredMessage(id, mime, sequence) { FolderId = "inbox" });
            return id;
        }
    }

    /// <summary>The display name of the folder the message is in now (<c>Inbox</c> if not moved).</summary>
    public string FolderOf(string mailbox, string id)
    {
        lock (_lock)
        {
            var box = MailboxFor(mailbox);
            var folder = box.Messages.Single(m => m.Id == id).FolderId;
            return folder == "inbox" ? "Inbox" : box.Folders.Single(f => f.Value == folder).Key;
        }
    }

    public void Dispose() => _server.Stop();

    private Mailbox MailboxFor(string address)
    {
        if (!_mailboxes.TryGetValue(address, out var box))
        {
            box = new Mailbox();
            _mailboxes[address] = box;
        }

        return box;
    }

    private IResponseMessage Handle(IRequestMessage request)
    {
        var uri = new Uri(request.AbsoluteUrl);
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        if (segments.Length < 4 || segments[0] != "v1.0" || segments[1] != "users")
        {
            return Error(404, "UnknownResource");
        }

        var mailbox = segments[2];
        var rest = segments[3..];
        lock (_lock)
        {
            return (request.Method, rest) switch
            {
                ("POST", ["sendMail"]) => SendMail(mailbox, request),
                ("GET", ["mailFolders", "inbox", "messages", "delta" or "delta()"]) => Delta(mailbox, query["$deltatoken"], query["$skiptoken"]),
                ("GET", ["messages", var id, "$value"]) => Mime(mailbox, id),
                ("POST", ["messages", var id, "move"]) => Move(mailbox, id, BodyText(request)),
                ("GET", ["mailFolders"]) => Folders(mailbox, query["$filter"]),
                ("POST", ["mailFolders"]) => CreateFolder(mailbox, BodyText(request)),
                _ => Unrouted(request.Method + " " + string.Join('/', rest)),
            };
        }
    }

    private IResponseMessage SendMail(string mailbox, IRequestMessage request)
    {
        if (_sendScript.TryDequeue(out var scripted))
        {
            return scripted();
        }

        var contentType = request.Headers?.TryGetValue("Content-Type", out var values) == true ? string.Join(",", values) : "";
        if (!contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse($"Content-Type was '{contentType}', not text/plain", "ErrorMimeContentInvalid");
        }

        byte[] mime;
        try
        {
            mime = Convert.FromBase64String(request.Body ?? "");
        }
        catch (FormatException)
        {
            return Refuse("the body is not base64", "ErrorMimeContentInvalidBase64String");
        }

        MimeMessage message;
        try
        {
            message = MimeMessage.Load(new MemoryStream(mime));
        }
        catch (FormatException)
        {
            return Refuse("the body is not MIME", "ErrorMimeContentInvalid");
        }

        if (message.To.Mailboxes.Any(m => m.Address.EndsWith("@invalid.example", StringComparison.OrdinalIgnoreCase)))
        {
            return Error(400, "ErrorInvalidRecipients");
        }

        _accepted.Add(new AcceptedMail(mailbox, message, mime));
        return new ResponseMessage { StatusCode = 202 };
    }

    // Graph reads property names case-insensitively (the SDK itself writes "DestinationId" for move).
    private static string? Property(string? body, string name) =>
        (JsonNode.Parse(body ?? "{}") as JsonObject)?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>();

    // WireMock parses JSON bodies into BodyAsJson and leaves Body empty: read the bytes.
    private static string? BodyText(IRequestMessage request) =>
        request.BodyAsBytes is { } bytes ? Encoding.UTF8.GetString(bytes) : request.Body;

    private IResponseMessage Unrouted(string what)
    {
        _refusals.Add("no fake for " + what);
        return Error(400, "BadRequest");
    }

    private IResponseMessage Refuse(string why, string code)
    {
        _refusals.Add(why);
        return Error(400, code);
    }

    private IResponseMessage Delta(string mailbox, string? deltaToken, string? skipToken)
    {
        // Tokens are change sequence numbers: $deltatoken = changes already seen; $skiptoken = the last change on the previous page.
        var box = MailboxFor(mailbox);
        var after = int.Parse(skipToken ?? deltaToken ?? "0", CultureInfo.InvariantCulture);
        var changes = box.Messages.Where(m => m.Sequence > after).OrderBy(m => m.Sequence).ToList();
        var page = changes.Take(DeltaPageSize).ToList();
        var items = page.Select(m => m.FolderId == "inbox"
            ? new JsonObject { ["@odata.type"] = "#microsoft.graph.message", ["@odata.etag"] = "W/\"CQAAABYAAAA\"", ["id"] = m.Id }
            : new JsonObject { ["@odata.type"] = "#microsoft.graph.message", ["id"] = m.Id, ["@removed"] = new JsonObject { ["reason"] = "deleted" } });
        var root = $"{BaseUrl}/v1.0/users/{Uri.EscapeDataString(mailbox)}/mailFolders/inbox/messages/delta";
        var body = new JsonObject
        {
            ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#Collection(message)",
            ["value"] = new JsonArray([.. items]),
        };
        if (changes.Count > page.Count)
        {
            body["@odata.nextLink"] = $"{root}?$skiptoken={page[^1].Sequence}";
        }
        else
        {
            body["@odata.deltaLink"] = $"{root}?$deltatoken={_sequence}";
        }

        return Json(200, body);
    }

    private IResponseMessage Mime(string mailbox, string id)
    {
        var message = MailboxFor(mailbox).Messages.FirstOrDefault(m => m.Id == id);
        return message is null ? Error(404, "ErrorItemNotFound") : Bytes(200, message.Mime, "text/plain");
    }

    private IResponseMessage Move(string mailbox, string id, string? body)
    {
        var box = MailboxFor(mailbox);
        var message = box.Messages.FirstOrDefault(m => m.Id == id);
        var destination = Property(body, "destinationId");
        if (message is null || destination is null || !box.Folders.ContainsValue(destination))
        {
            _refusals.Add($"move of {id} ({(message is null ? "unknown" : "known")}) to '{destination}' from body '{body}'; folders: {string.Join(", ", box.Folders)}");
            return Error(404, "ErrorItemNotFound");
        }

        message.FolderId = destination;
        message.Sequence = ++_sequence; // A move shows up in the next inbox delta as "@removed".
        return Json(201, new JsonObject { ["@odata.type"] = "#microsoft.graph.message", ["id"] = id, ["parentFolderId"] = destination });
    }

    private IResponseMessage Folders(string mailbox, string? filter)
    {
        var box = MailboxFor(mailbox);
        var name = filter is null ? null : filter[(filter.IndexOf('\'', StringComparison.Ordinal) + 1)..filter.LastIndexOf('\'')].Replace("''", "'", StringComparison.Ordinal);
        var folders = box.Folders.Where(f => name is null || string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase))
            .Select(f => new JsonObject { ["id"] = f.Value, ["displayName"] = f.Key, ["parentFolderId"] = "AQMkADYAAAIBCAAAAA==" });
        return Json(200, new JsonObject { ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#users('x')/mailFolders", ["value"] = new JsonArray([.. folders]) });
    }

    private IResponseMessage CreateFolder(string mailbox, string? body)
    {
        var box = MailboxFor(mailbox);
        var name = Property(body, "displayName");
        if (string.IsNullOrEmpty(name))
        {
            return Error(400, "ErrorInvalidRequest");
        }

        if (box.Folders.ContainsKey(name))
        {
            return Error(409, "ErrorFolderExists");
        }

        var id = "AAMkFolder" + (box.Folders.Count + 1).ToString(CultureInfo.InvariantCulture) + "AAA=";
        box.Folders[name] = id;
        return Json(201, new JsonObject { ["id"] = id, ["displayName"] = name, ["parentFolderId"] = "AQMkADYAAAIBCAAAAA==" });
    }

    private static ResponseMessage Error(int status, string code) =>
        Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = code } });

    private static ResponseMessage Json(int status, JsonNode body) => Bytes(status, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json");

    private static ResponseMessage Bytes(int status, byte[] bytes, string contentType)
    {
        var response = new ResponseMessage { StatusCode = status, BodyData = new BodyData { BodyAsBytes = bytes, DetectedBodyType = BodyType.Bytes } };
        response.AddHeader("Content-Type", contentType);
        return response;
    }

    private sealed class Mailbox
    {
        public List<StoredMessage> Messages { get; } = [];

        public Dictionary<string, string> Folders { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class StoredMessage(string id, byte[] mime, int sequence)
    {
        public string Id { get; } = id;

        public byte[] Mime { get; } = mime;

        public int Sequence { get; set; } = sequence;

        public required string FolderId { get; set; }
    }
}

/// <param name="Mailbox">The mailbox in the sendMail path.</param>
/// <param name="Message">The MIME message Graph received, parsed.</param>
/// <param name="Mime">Its bytes, decoded from base64.</param>
public sealed record AcceptedMail(string Mailbox, MimeMessage Message, byte[] Mime);

/// <summary>Graph clients pointed at a <see cref="FakeGraphMail"/>, without authentication (E1's factory does client credentials).</summary>
public sealed class FakeGraphClientFactory(string baseUrl) : IGraphClientFactory
{
    private readonly HttpClient _http = new();

    public GraphServiceClient Create() => new(_http, new AnonymousAuthenticationProvider(), baseUrl.TrimEnd('/') + "/v1.0");
}

public static class GraphMailIntents
{
    /// <summary>Points the app's Graph clients at <paramref name="graph"/>.</summary>
    public static void UseFakeGraph(this IServiceCollection services, FakeGraphMail graph) => services.UseFakeGraph(graph.BaseUrl);

    /// <summary>Points the app's Graph clients at a loopback server (<c>http://127.0.0.1:port</c>, without /v1.0).</summary>
    public static void UseFakeGraph(this IServiceCollection services, string baseUrl)
    {
        services.RemoveAll<IGraphClientFactory>();
        services.AddSingleton<IGraphClientFactory>(new FakeGraphClientFactory(baseUrl));
    }

    /// <summary>Settings for reading replies from <paramref name="mailbox"/> through Graph.</summary>
    public static Dictionary<string, string> GraphInboundSettings(string mailbox) => new()
    {
        ["Notices:Mail:Inbound:Source"] = "Graph",
        ["Notices:Mail:Inbound:Graph:Mailbox"] = mailbox,
        // These tests drive the source by hand (ReadRepliesAsync); the pipeline is tested with the reader on.
        ["Notices:Mail:Inbound:BackgroundReader"] = "false",
    };

    /// <summary>One round of the app's inbound source; every message is marked processed unless told otherwise.</summary>
    public static async Task<List<InboundMessage>> ReadRepliesAsync(this NoticesAppFactory app, bool markProcessed = true)
    {
        var source = app.Services.GetRequiredService<IInboundMailSource>();
        var read = new List<InboundMessage>();
        await foreach (var message in source.ReadAsync())
        {
            read.Add(message);
            if (markProcessed)
            {
                await source.MarkProcessedAsync(message);
            }
        }

        return read;
    }

    /// <summary>A reply as a mail client and our receiving server would produce it, with the headers the reply pipeline relies on.</summary>
    public static byte[] Reply(string from, string inReplyTo, string text, string authenticationResults = "mx.agency.example; spf=pass smtp.mailfrom=agency.example; dkim=pass header.d=agency.example; dmarc=pass header.from=agency.example") =>
        Encoding.UTF8.GetBytes(
            "Authentication-Results: " + authenticationResults + "\r\n"
            + "Received: from mail.agency.example (mail.agency.example [192.0.2.10])\r\n\tby mx.agency.example with ESMTPS id 4Q1xyz; Fri, 27 Nov 2026 21:10:00 +0000\r\n"
            + "From: " + from + "\r\n"
            + "To: approvals@agency.example\r\n"
            + "Subject: RE: Approve volunteer sign-up\r\n"
            + "Date: Fri, 27 Nov 2026 21:10:00 +0000\r\n"
            + "Message-ID: <" + Guid.NewGuid().ToString("N") + "@mail.agency.example>\r\n"
            + "In-Reply-To: <" + inReplyTo + ">\r\n"
            + "References: <thread-start@agency.example>\r\n <" + inReplyTo + ">\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + text + "\r\n");
}

/// <summary>
/// An HTTP endpoint on loopback that reads each request in full (headers and Content-Length body) and then resets
/// the connection without answering: a connection lost after the request was handed over. WireMock's faults still
/// send a status line, which a client rightly reads as an answer.
/// </summary>
public sealed class DroppingHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public DroppingHttpServer()
    {
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    public string BaseUrl { get; }

    /// <summary>Requests read in full before the connection was reset.</summary>
    public int RequestsRead => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
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
                var received = new List<byte>();
                var buffer = new byte[8192];
                int headerEnd;
                while ((headerEnd = IndexOfHeaderEnd(received)) < 0)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    received.AddRange(buffer.AsSpan(0, read).ToArray());
                }

                var headers = Encoding.Latin1.GetString([.. received.Take(headerEnd)]);
                var lengthLine = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
                var body = received.Count - (headerEnd + 4);
                while (body < length)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    body += read;
                }

                Interlocked.Increment(ref _requests);
                client.Client.LingerState = new LingerOption(true, 0); // close with RST: no reply, no orderly end
            }
            catch (IOException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static int IndexOfHeaderEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
