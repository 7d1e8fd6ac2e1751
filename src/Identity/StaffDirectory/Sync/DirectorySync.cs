using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Notices.Identity.Database;
using Notices.Identity.Graph;
using Notices.Identity.StaffDirectory.Import;

namespace Notices.Identity.StaffDirectory.Sync;

/// <summary>Keeps the staff directory in step with Entra ID through Microsoft Graph.</summary>
public interface IDirectorySync
{
    /// <summary>
    /// A delta sync from the kept delta link, or a full sync when <paramref name="full"/> or when no delta link is kept
    /// (or Graph says it expired). All or nothing, with the CSV import's checks; the result is kept for admins.
    /// </summary>
    Task<DirectorySyncOutcome> SyncAsync(bool full = false, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>The last sync's result, or null before the first.</summary>
    Task<DirectorySyncOutcome?> LastAsync(CancellationToken cancellationToken = default);
}

/// <summary>What a sync did, or why it applied nothing.</summary>
public sealed record DirectorySyncOutcome
{
    /// <summary><c>full</c> or <c>delta</c>.</summary>
    public required string Mode { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Users (or changes, for a delta) read from Graph.</summary>
    public int UsersRead { get; init; }

    /// <summary>Users without the employee-id attribute: not staff, left out.</summary>
    public int Skipped { get; init; }

    /// <summary>The apply's counts and problems; null when Graph could not be read.</summary>
    public ImportOutcome? Import { get; init; }

    /// <summary>Why Graph could not be read (no secrets, no links).</summary>
    public string? Error { get; init; }

    public bool Applied => Error is null && Import is { Accepted: true };
}

internal sealed partial class DirectorySync(
    DirectoryDbContext db,
    DirectoryImporter importer,
    IGraphClientFactory graph,
    IOptions<GraphOptions> graphOptions,
    IOptions<GraphSyncOptions> syncOptions,
    TimeProvider time,
    ILogger<DirectorySync> logger) : IDirectorySync
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly GraphSyncOptions _options = syncOptions.Value;

    public async Task<DirectorySyncOutcome> SyncAsync(bool full = false, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = time.GetUtcNow();
        var state = await db.SyncState.AsNoTracking().SingleAsync(s => s.Id == DirectorySyncState.SingletonId, cancellationToken);
        var mode = full || state.DeltaLink is null ? "full" : "delta";
        await db.SyncState.Where(s => s.Id == DirectorySyncState.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastStartedMs, started.ToUnixTimeMilliseconds()), cancellationToken);

        DirectorySyncOutcome outcome;
        try
        {
            var client = graph.Create();
            GraphRecordSource source;
            int read;
            if (mode == "delta")
            {
                var delta = await ReadDeltaAsync(client, state.DeltaLink!, progress, cancellationToken);
                if (delta is null)
                {
                    LogDeltaExpired(logger);
                    mode = "full";
                }

                (source, read) = delta is { } d
                    ? (new GraphRecordSource(false, d.Users, await LinksAsync(cancellationToken), d.DeltaLink, _options.Mapping), d.Users.Count)
                    : await FullAsync(client, progress, cancellationToken);
            }
            else
            {
                (source, read) = await FullAsync(client, progress, cancellationToken);
            }

            var problems = new ImportProblems(source.Locate);
            var import = await importer.ApplyAsync(source, new ImportOptions(DryRun: false, DeactivateMissing: mode == "full"), problems, progress, cancellationToken);
            outcome = new DirectorySyncOutcome { Mode = mode, StartedAt = started, UsersRead = read, Skipped = source.Skipped, Import = import };
        }
        catch (Exception e) when (IsGraphFailure(e) || IsGraphFailure(e.GetBaseException()))
        {
            var cause = IsGraphFailure(e) ? e : e.GetBaseException();
            LogReadFailed(logger, cause.GetType().Name);
            outcome = new DirectorySyncOutcome { Mode = mode, StartedAt = started, Error = Describe(cause) };
        }

        outcome = outcome with { FinishedAt = time.GetUtcNow() };
        var json = JsonSerializer.Serialize(outcome, Json);
        await db.SyncState.Where(s => s.Id == DirectorySyncState.SingletonId)
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.LastFinishedMs, outcome.FinishedAt.ToUnixTimeMilliseconds()).SetProperty(x => x.LastOutcome, json),
                CancellationToken.None);
        LogSynced(logger, outcome.Mode, outcome.Applied, outcome.UsersRead, outcome.Import?.Summary ?? "nothing applied", outcome.Import?.ProblemCount ?? 0);
        return outcome;
    }

    public async Task<DirectorySyncOutcome?> LastAsync(CancellationToken cancellationToken = default)
    {
        var json = await db.SyncState.AsNoTracking().Where(s => s.Id == DirectorySyncState.SingletonId).Select(s => s.LastOutcome).SingleOrDefaultAsync(cancellationToken);
        return json is null ? null : JsonSerializer.Deserialize<DirectorySyncOutcome>(json, Json);
    }

    /// <summary>
    /// A full read: first a fresh delta link (<c>$deltatoken=latest</c>: no users, just the token for "from now"), then
    /// every user with its manager, page by page. Changes made during the read come again with the next delta: applying
    /// them twice is harmless.
    /// </summary>
    private async Task<(GraphRecordSource Source, int Read)> FullAsync(GraphServiceClient client, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var select = string.Join(',', GraphUserAttributes.Select);
        var root = graphOptions.Value.Root + "/" + graphOptions.Value.Version;
        var latest = await client.Users.Delta.WithUrl($"{root}/users/delta?$select={select}&$expand=manager&$deltatoken=latest")
            .GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
        var deltaLink = await FollowDeltaAsync(client, latest, null, cancellationToken);

        var users = new List<GraphUserChange>();
        var byId = new Dictionary<string, GraphUserChange>(StringComparer.Ordinal);
        var page = await client.Users.GetAsync(
            request =>
            {
                request.QueryParameters.Select = GraphUserAttributes.Select;
                request.QueryParameters.Expand = ["manager($select=id,employeeId)"];
                request.QueryParameters.Top = _options.PageSize;
            },
            cancellationToken);
        while (page is not null)
        {
            foreach (var user in page.Value ?? [])
            {
                Collect(users, byId, user);
            }

            progress?.Report(new ImportProgress("graph", users.Count));
            page = page.OdataNextLink is { } next
                ? await client.Users.WithUrl(next).GetAsync(cancellationToken: cancellationToken)
                : null;
        }

        return (new GraphRecordSource(true, users, new Dictionary<string, string>(), deltaLink, _options.Mapping), users.Count);
    }

    /// <summary>The changes since <paramref name="deltaLink"/>, or null when Graph no longer knows it (a full sync is due).</summary>
    private async Task<(List<GraphUserChange> Users, string DeltaLink)?> ReadDeltaAsync(GraphServiceClient client, string deltaLink, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var users = new List<GraphUserChange>();
        var byId = new Dictionary<string, GraphUserChange>(StringComparer.Ordinal);
        try
        {
            var first = await client.Users.Delta.WithUrl(deltaLink).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
            var next = await FollowDeltaAsync(client, first, page =>
            {
                foreach (var user in page.Value ?? [])
                {
                    Collect(users, byId, user);
                }

                progress?.Report(new ImportProgress("graph", users.Count));
            }, cancellationToken);
            return (users, next);
        }
        catch (ODataError e) when (e.ResponseStatusCode == (int)HttpStatusCode.Gone)
        {
            return null;
        }
    }

    private static async Task<string> FollowDeltaAsync(GraphServiceClient client, Microsoft.Graph.Users.Delta.DeltaGetResponse? page, Action<Microsoft.Graph.Users.Delta.DeltaGetResponse>? onPage, CancellationToken cancellationToken)
    {
        while (page is not null)
        {
            onPage?.Invoke(page);
            if (page.OdataDeltaLink is { } done)
            {
                return done;
            }

            if (page.OdataNextLink is not { } next)
            {
                break;
            }

            page = await client.Users.Delta.WithUrl(next).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
        }

        throw new HttpRequestException("Graph ended a users/delta round without an @odata.deltaLink.");
    }

    private static void Collect(List<GraphUserChange> users, Dictionary<string, GraphUserChange> byId, User user)
    {
        if (user.Id is not { Length: > 0 } id)
        {
            return;
        }

        if (!byId.TryGetValue(id, out var change))
        {
            change = new GraphUserChange(id);
            byId[id] = change;
            users.Add(change);
        }

        change.Merge(GraphUserAttributes.Read(user), GraphUserAttributes.IsRemoved(user));
    }

    private async Task<Dictionary<string, string>> LinksAsync(CancellationToken cancellationToken) =>
        (await db.GraphUsers.AsNoTracking().ToListAsync(cancellationToken)).ToDictionary(l => l.GraphId, l => l.EmployeeId, StringComparer.Ordinal);

    /// <summary>Graph or its token could not be had: reported as the sync's result rather than thrown.</summary>
    private static bool IsGraphFailure(Exception e) =>
        e is ODataError or HttpRequestException or Microsoft.Identity.Client.MsalException or Microsoft.Identity.Web.MicrosoftIdentityWebChallengeUserException
        || (e is InvalidOperationException or ArgumentException && e.Message.StartsWith("IDW", StringComparison.Ordinal));

    private static string Describe(Exception e) => e switch
    {
        ODataError o => string.Create(CultureInfo.InvariantCulture, $"Graph answered {o.ResponseStatusCode}: {o.Error?.Code ?? "error"} {o.Error?.Message}").TrimEnd(),
        HttpRequestException h => "Graph could not be reached: " + h.Message,
        InvalidOperationException or ArgumentException => "Graph sign-in is not configured (" + e.Message.Split(". ")[0] + "); set the AzureAd section.",
        Microsoft.Identity.Client.MsalException m => $"No Graph token could be acquired ({m.ErrorCode}: {m.Message}); check the AzureAd section and the app's credentials.",
        _ => "No Graph token could be acquired (" + e.GetType().Name + "); check the AzureAd section and the app's credentials.",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory sync ({Mode}): applied {Applied}, {Read} users read, {Summary}, {Problems} problem(s)")]
    private static partial void LogSynced(ILogger logger, string mode, bool applied, int read, string summary, int problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kept Graph delta link has expired; running a full sync")]
    private static partial void LogDeltaExpired(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Directory sync could not read Graph ({Error}); nothing was applied")]
    private static partial void LogReadFailed(ILogger logger, string error);
}
