namespace Notices.Identity.StaffDirectory.Sync;

/// <summary>
/// The one row of directory sync state: the delta link to resume from, the last run's result, and the lease that makes
/// one instance the leader. Times are Unix milliseconds (UTC) so both providers compare them in SQL.
/// </summary>
internal sealed class DirectorySyncState
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Graph's <c>@odata.deltaLink</c> from the last applied sync; null until a full sync has been applied.</summary>
    public string? DeltaLink { get; set; }

    public string? LeaseOwner { get; set; }

    public long LeaseUntilMs { get; set; }

    public long? LastStartedMs { get; set; }

    public long? LastFinishedMs { get; set; }

    /// <summary>The last run's <see cref="DirectorySyncOutcome"/> as JSON.</summary>
    public string? LastOutcome { get; set; }
}

/// <summary>Which Graph user (object id) is which employee: deltas name deleted users and managers by Graph id only.</summary>
internal sealed class GraphUserLink
{
    public required string GraphId { get; set; }

    public required string EmployeeId { get; set; }
}
