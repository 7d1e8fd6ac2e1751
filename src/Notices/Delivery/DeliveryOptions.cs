using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Notices.Delivery;

/// <summary>What a worker does with a row it reclaims after a crash, or whose handover ended without a reply.</summary>
internal enum InFlightPolicy
{
    /// <summary>Send it again with the same Message-ID (the default: a missed notice costs more than a second look).</summary>
    AtLeastOnce,

    /// <summary>Mark it unknown; an operator decides with resend-failed.</summary>
    AtMostOnce,
}

/// <summary><c>Notices:Mail:Workers</c>: the size of this instance's sender pool (0 = this instance does not send).</summary>
internal sealed class DeliveryPoolOptions
{
    public const string Key = "Notices:Mail:Workers";

    public int Workers { get; set; } = 4;
}

/// <summary><c>Notices:Mail:Delivery</c>: how the outbox workers claim, retry and hold rows.</summary>
internal sealed class DeliveryOptions
{
    public const string Section = "Notices:Mail:Delivery";

    /// <summary>Rows a worker leases at once. Small: a crashed worker's rows wait for the lease to expire.</summary>
    [Range(1, 1000, ErrorMessage = "Notices:Mail:Delivery:ClaimBatchSize must be between 1 and 1000.")]
    public int ClaimBatchSize { get; set; } = 20;

    /// <summary>How long a claim holds its rows; renewed while a batch is still being sent.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Notices:Mail:Delivery:LeaseDuration must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Handovers a row may have before a transient failure becomes final.</summary>
    [Range(1, 100, ErrorMessage = "Notices:Mail:Delivery:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry waits up to this (full jitter); each further retry doubles it, up to <see cref="RetryCap"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Notices:Mail:Delivery:RetryBase must be between 00:00:00 and 1.00:00:00.")]
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Notices:Mail:Delivery:RetryCap must be between 00:00:00 and 7.00:00:00.")]
    public TimeSpan RetryCap { get; set; } = TimeSpan.FromMinutes(30);

    public InFlightPolicy InFlightPolicy { get; set; } = InFlightPolicy.AtLeastOnce;

    /// <summary>How often an idle worker looks for due rows (a release on this instance wakes it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Notices:Mail:Delivery:IdlePollInterval must be between 00:00:00.010 and 01:00:00.")]
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.InFlightPolicy))
        {
            failures.Add("Notices:Mail:Delivery:InFlightPolicy must be AtLeastOnce or AtMostOnce.");
        }

        if (options.RetryCap < options.RetryBase)
        {
            failures.Add("Notices:Mail:Delivery:RetryCap must not be less than Notices:Mail:Delivery:RetryBase.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class DeliveryPoolOptionsValidator : IValidateOptions<DeliveryPoolOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryPoolOptions options) =>
        options.Workers is >= 0 and <= 64
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Notices:Mail:Workers must be between 0 (this instance does not send) and 64.");
}
