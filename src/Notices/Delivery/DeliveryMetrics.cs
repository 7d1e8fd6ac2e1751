using System.Diagnostics.Metrics;
using Notices.Delivery.Throttling;

namespace Notices.Delivery;

/// <summary>What an operator watches on the send: messages by outcome, reclaimed leases, the queue's depth.</summary>
internal sealed class DeliveryMetrics
{
    private readonly Counter<long> _messages;
    private readonly Counter<long> _reclaims;
    private long _queueDepth;
    private long _handled;

    public DeliveryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(SendLimiter.MeterName);
        _messages = meter.CreateCounter<long>("notices.delivery.messages", "{message}", "Outbox rows handed to the relay, by outcome (sent, deferred, failed, unknown).");
        _reclaims = meter.CreateCounter<long>("notices.delivery.reclaims", "{row}", "Rows taken over after their lease expired (a crashed or stuck worker).");
        meter.CreateObservableGauge("notices.delivery.queue.depth", () => Volatile.Read(ref _queueDepth), "{row}", "Rows still to send: queued, sending or deferred.");
    }

    /// <summary>Rows this instance handed over or settled (any outcome), e.g. to see that two instances shared a send.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    public void Message(string outcome)
    {
        Interlocked.Increment(ref _handled);
        _messages.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void Reclaimed(int rows, bool inFlight) => _reclaims.Add(rows, new KeyValuePair<string, object?>("in_flight", inFlight));

    public void QueueDepth(long rows) => Volatile.Write(ref _queueDepth, rows);
}
