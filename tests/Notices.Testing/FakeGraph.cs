using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Notices.Testing;

/// <summary>One Entra ID user as the fake Graph holds it.</summary>
public sealed class FakeGraphUser
{
    public required string Id { get; init; }

    public string? EmployeeId { get; set; }

    public string? DisplayName { get; set; }

    public string? Mail { get; set; }

    public string? UserPrincipalName { get; set; }

    public string? JobTitle { get; set; }

    public string? Department { get; set; }

    public string? OfficeLocation { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public bool AccountEnabled { get; set; } = true;

    public string? Division { get; set; }

    public string? CostCenter { get; set; }

    /// <summary>extensionAttribute1..15 (index 0 is extensionAttribute1).</summary>
    public string?[] Extensions { get; } = new string?[15];

    /// <summary>The manager's Graph id.</summary>
    public string? ManagerId { get; set; }
}

/// <summary>A request the fake Graph received.</summary>
public sealed record FakeGraphRequest(string Method, string PathAndQuery, string? Authorization, DateTimeOffset At, int Status);

/// <summary>
/// Microsoft Graph's users and users/delta on loopback, in Graph's documented JSON shapes: pages with an absolute
/// <c>@odata.nextLink</c>, delta rounds ending in <c>@odata.deltaLink</c>, <c>@removed</c> entries, <c>manager@delta</c>,
/// and 429 with <c>Retry-After</c> on demand. Every request is recorded with its Authorization header and time.
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly object _gate = new();
    private readonly List<FakeGraphUser> _users = [];
    private readonly List<JsonObject> _changes = [];
    private readonly ConcurrentQueue<FakeGraphRequest> _requests = new();
    private (Func<string, bool> Match, int Times, int RetryAfterSeconds, int Status)? _fault;

    private FakeGraph(WebApplication server) => _server = server;

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The most users one page holds, whatever <c>$top</c> asks.</summary>
    public int MaxPageSize { get; set; } = 999;

    public int DeltaPageSize { get; set; } = 100;

    public IReadOnlyList<FakeGraphRequest> Requests => _requests.ToArray();

    /// <summary>The delta token a <c>$deltatoken=latest</c> request would get now.</summary>
    public string CurrentDeltaToken
    {
        get
        {
            lock (_gate)
            {
                return Token(_changes.Count);
            }
        }
    }

    public static async Task<FakeGraph> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var server = builder.Build();
        var graph = new FakeGraph(server);
        server.Run(graph.HandleAsync);
        await server.StartAsync();
        graph.BaseUrl = server.Urls.First().TrimEnd('/');
        return graph;
    }

    /// <summary>The next <paramref name="times"/> requests whose path and query match answer 429 (or <paramref name="status"/>) with Retry-After.</summary>
    public void Fail(Func<string, bool> match, int times, int retryAfterSeconds, int status = 429)
    {
        lock (_gate)
        {
            _fault = (match, times, retryAfterSeconds, status);
        }
    }

    public void Add(params FakeGraphUser[] users)
    {
        lock (_gate)
        {
            foreach (var user in users)
            {
                _users.Add(user);
                var change = UserJson(user, expandManager: false);
                change["manager@delta"] = user.ManagerId is null ? new JsonArray() : new JsonArray(ManagerRef(user.ManagerId));
                _changes.Add(change);
            }
        }
    }

    /// <summary>Changes a user; the delta names it with only <paramref name="changed"/> (Graph property names).</summary>
    public void Update(string id, Action<FakeGraphUser> change, params string[] changed)
    {
        lock (_gate)
        {
            var user = _users.Single(u => u.Id == id);
            change(user);
            var full = UserJson(user, expandManager: false);
            var entry = new JsonObject { ["id"] = id };
            foreach (var name in changed)
            {
                if (name == "manager")
                {
                    entry["manager@delta"] = user.ManagerId is null ? new JsonArray() : new JsonArray(ManagerRef(user.ManagerId));
                }
                else
                {
                    entry[name] = full[name]?.DeepClone();
                }
            }

            _changes.Add(entry);
        }
    }

    public void Disable(string id) => Update(id, u => u.AccountEnabled = false, "accountEnabled");

    public void Delete(string id)
    {
        lock (_gate)
        {
            _users.RemoveAll(u => u.Id == id);
            _changes.Add(new JsonObject { ["id"] = id, ["@removed"] = new JsonObject { ["reason"] = "deleted" } });
        }
    }

    public FakeGraphUser User(string id)
    {
        lock (_gate)
        {
            return _users.Single(u => u.Id == id);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var pathAndQuery = request.Path + request.QueryString;
        var (status, body, retryAfter) = Answer(request, pathAndQuery);
        _requests.Enqueue(new FakeGraphRequest(request.Method, Uri.UnescapeDataString(pathAndQuery), request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, DateTimeOffset.UtcNow, status));
        context.Response.StatusCode = status;
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private (int Status, JsonObject Body, int? RetryAfter) Answer(HttpRequest request, string pathAndQuery)
    {
        lock (_gate)
        {
            if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return (401, Error("InvalidAuthenticationToken", "Access token is empty."), null);
            }

            if (_fault is { } fault && fault.Match(Uri.UnescapeDataString(pathAndQuery)))
            {
                _fault = fault.Times > 1 ? fault with { Times = fault.Times - 1 } : null;
                return (fault.Status, Error(fault.Status == 429 ? "TooManyRequests" : "ServiceUnavailable", "Too many requests; retry later."), fault.RetryAfterSeconds);
            }

            var path = request.Path.Value ?? string.Empty;
            var query = request.Query;
            if (path is "/v1.0/users/delta" or "/v1.0/users/delta()" or "/v1.0/users/microsoft.graph.delta()")
            {
                return Delta(query);
            }

            if (path == "/v1.0/users")
            {
                return (200, Users(query), null);
            }

            return (404, Error("Request_ResourceNotFound", "Resource not found."), null);
        }
    }

    private JsonObject Users(IQueryCollection query)
    {
        var top = int.TryParse(query["$top"], CultureInfo.InvariantCulture, out var t) ? Math.Min(t, MaxPageSize) : 100;
        var skip = int.TryParse(query["$skiptoken"], CultureInfo.InvariantCulture, out var s) ? s : 0;
        var expand = query["$expand"].ToString().StartsWith("manager", StringComparison.Ordinal);
        var page = new JsonArray();
        foreach (var user in _users.Skip(skip).Take(top))
        {
            page.Add(UserJson(user, expand));
        }

        var body = new JsonObject
        {
            ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#users(id,employeeId,displayName,mail,userPrincipalName,jobTitle,department,officeLocation,city,state,accountEnabled,employeeOrgData,onPremisesExtensionAttributes,manager(id,employeeId))",
        };
        if (skip + top < _users.Count)
        {
            // Graph's next links keep the query (inside an opaque skip token; here in the clear).
            var expandQuery = expand ? "&$expand=" + Uri.EscapeDataString(query["$expand"].ToString()) : string.Empty;
            body["@odata.nextLink"] = string.Create(CultureInfo.InvariantCulture, $"{BaseUrl}/v1.0/users?$top={top}{expandQuery}&$skiptoken={skip + top}");
        }

        body["value"] = page;
        return body;
    }

    private (int, JsonObject, int?) Delta(IQueryCollection query)
    {
        var body = new JsonObject { ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#users" };
        var deltaToken = query["$deltatoken"].ToString();
        var skipToken = query["$skiptoken"].ToString();
        int from, to, offset;
        if (deltaToken == "latest")
        {
            body["value"] = new JsonArray();
            body["@odata.deltaLink"] = $"{BaseUrl}/v1.0/users/delta?$deltatoken={Token(_changes.Count)}";
            return (200, body, null);
        }
        else if (deltaToken.StartsWith('v') && int.TryParse(deltaToken[1..], CultureInfo.InvariantCulture, out from))
        {
            (to, offset) = (_changes.Count, 0);
        }
        else if (skipToken.Split('_') is [var f, var o, var e] && int.TryParse(f, CultureInfo.InvariantCulture, out from)
            && int.TryParse(o, CultureInfo.InvariantCulture, out offset) && int.TryParse(e, CultureInfo.InvariantCulture, out to))
        {
        }
        else
        {
            return (400, Error("BadRequest", "This fake serves delta rounds from $deltatoken=latest only."), null);
        }

        if (from > _changes.Count)
        {
            return (410, Error("SyncStateNotFound", "The delta token has expired."), null);
        }

        var start = from + offset;
        var count = Math.Min(DeltaPageSize, to - start);
        body["value"] = new JsonArray(_changes.Skip(start).Take(count).Select(c => (JsonNode)c.DeepClone()).ToArray());
        if (start + count < to)
        {
            body["@odata.nextLink"] = string.Create(CultureInfo.InvariantCulture, $"{BaseUrl}/v1.0/users/delta?$skiptoken={from}_{offset + count}_{to}");
        }
        else
        {
            body["@odata.deltaLink"] = $"{BaseUrl}/v1.0/users/delta?$deltatoken={Token(to)}";
        }

        return (200, body, null);
    }

    private static string Token(int version) => string.Create(CultureInfo.InvariantCulture, $"v{version}");

    private JsonObject UserJson(FakeGraphUser user, bool expandManager)
    {
        var extensions = new JsonObject();
        for (var i = 0; i < user.Extensions.Length; i++)
        {
            extensions[string.Create(CultureInfo.InvariantCulture, $"extensionAttribute{i + 1}")] = user.Extensions[i];
        }

        var json = new JsonObject
        {
            ["id"] = user.Id,
            ["employeeId"] = user.EmployeeId,
            ["displayName"] = user.DisplayName,
            ["mail"] = user.Mail,
            ["userPrincipalName"] = user.UserPrincipalName,
            ["jobTitle"] = user.JobTitle,
            ["department"] = user.Department,
            ["officeLocation"] = user.OfficeLocation,
            ["city"] = user.City,
            ["state"] = user.State,
            ["accountEnabled"] = user.AccountEnabled,
            ["employeeOrgData"] = new JsonObject { ["division"] = user.Division, ["costCenter"] = user.CostCenter },
            ["onPremisesExtensionAttributes"] = extensions,
        };
        if (expandManager && user.ManagerId is { } managerId)
        {
            var manager = _users.FirstOrDefault(u => u.Id == managerId);
            json["manager"] = new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.user",
                ["id"] = managerId,
                ["employeeId"] = manager?.EmployeeId,
            };
        }

        return json;
    }

    private static JsonObject ManagerRef(string id) => new() { ["@odata.type"] = "#microsoft.graph.user", ["id"] = id };

    private static JsonObject Error(string code, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject { ["date"] = "2026-11-27T00:00:00", ["request-id"] = Guid.NewGuid().ToString(), ["client-request-id"] = Guid.NewGuid().ToString() },
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
