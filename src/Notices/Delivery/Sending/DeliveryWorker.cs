using Microsoft.Extensions.Options;
using MimeKit;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Delivery.Throttling;
using Notices.Mail;
using Notices.Mail.Delivery;

namespace Notices.Delivery.Sending;

/// <summary>
/// One sender: one mail session (one SMTP connection, reused and recycled by the transport), looping claim → send
/// each → record each. The unrecorded window of a message is its handover: <c>HandoverStartedAt</c> is written just
/// before it and the outcome just after the relay's reply, in the same write as the next row's handover.
/// </summary>
internal sealed partial class DeliveryWorker(
    string owner,
    IServiceProvider services,
    IMailTransport transport,
    SendLimiter limiter,
    SharedSendBudget budget,
    NoticeLinks links,
    NoticeMailCache mails,
    TransactionalMail transactional,
    DeliverySignal signal,
    DeliveryMetrics metrics,
    DeliveryOptions options,
    TimeProvider time,
    ILogger logger,
    ClaimLane lane = ClaimLane.Any)
{
    /// <summary>How often the priority worker looks for transactional messages queued by another instance.</summary>
    public static readonly TimeSpan PriorityPollInterval = TimeSpan.FromMilliseconds(500);

    private readonly bool _throttled = transport.Name != nameof(MailTransportKind.File);
    private int _relayProblems;

    public string Owner => owner;

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var ledger = new OutboxLedger(scope.ServiceProvider.GetRequiredService<NoticesDbContext>(), time);
                await using var session = await transport.OpenSessionAsync(stopping);
                await LoopAsync(ledger, session, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A database or transport failure outside one message: start over with a fresh context and session.
                LogWorkerFailed(logger, owner, exception);
                await DelayAsync(Backoff.Delay(1, options.IdlePollInterval, options.IdlePollInterval, Random.Shared) + TimeSpan.FromMilliseconds(100), stopping);
            }
        }
    }

    private async Task LoopAsync(OutboxLedger ledger, IMailSession session, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // Take the signal before looking, so a release committed while we look is not missed.
            var wake = signal.Next;
            IReadOnlyList<ClaimedRow> batch = [];
            if (lane == ClaimLane.Any || await ledger.AnyTransactionalDueAsync(stopping))
            {
                batch = await ledger.ClaimAsync(owner, options.ClaimBatchSize, options.LeaseDuration, stopping, lane);
            }

            if (batch.Count == 0)
            {
                // The priority worker polls often (a cheap read of a tiny index): a message queued by another instance,
                // or whose queuing transaction committed after the signal, must not wait for the bulk workers' poll.
                var idle = lane == ClaimLane.TransactionalOnly ? PriorityPollInterval : options.IdlePollInterval;
                await Task.WhenAny(wake, Task.Delay(idle, time, stopping));
                stopping.ThrowIfCancellationRequested();
                continue;
            }

            if (batch.Count == options.ClaimBatchSize)
            {
                // There is more: wake this instance's idle workers to share it.
                signal.Notify();
            }

            var relayBackoff = await SendBatchAsync(ledger, session, batch, stopping);
            foreach (var noticeId in batch.Where(r => r.NoticeId is not null).Select(r => r.NoticeId!.Value).Distinct())
            {
                if (await ledger.CompleteNoticeIfDoneAsync(noticeId, CancellationToken.None))
                {
                    mails.Forget(noticeId);
                    LogNoticeSent(logger, noticeId);
                }
            }

            if (relayBackoff is { } pause)
            {
                await DelayAsync(pause, stopping);
            }
        }
    }

    /// <returns>How long to hold this worker when the relay itself is failing; null otherwise.</returns>
    /// <remarks>
    /// The next row's message is built before the current one goes out, so that right after the relay's reply one write
    /// records this outcome and starts the next handover: a sent message's unrecorded window is that one statement.
    /// </remarks>
    private async Task<TimeSpan?> SendBatchAsync(OutboxLedger ledger, IMailSession session, IReadOnlyList<ClaimedRow> batch, CancellationToken stopping)
    {
        var pending = batch.Select(r => r.Id).ToHashSet();
        // Outcomes not yet written: they go with the next write (the next handover, or the flush at the end).
        var unrecorded = new List<(long Id, RowOutcome Outcome)>(2);
        var held = new HashSet<Guid>();
        var leaseRenewAt = time.GetUtcNow() + (options.LeaseDuration / 2);
        var position = 0;
        Prepared? current = null;
        try
        {
            var reclaimed = batch.Where(r => r.Reclaimed).ToList();
            if (reclaimed.Count > 0)
            {
                var inFlight = reclaimed.Count(r => r.WasInFlight);
                metrics.Reclaimed(reclaimed.Count - inFlight, inFlight: false);
                metrics.Reclaimed(inFlight, inFlight: true);
                LogReclaimed(logger, owner, reclaimed.Count, inFlight, options.InFlightPolicy);
            }

            current = await NextAsync();
            while (current is { } item)
            {
                current = null;
                using var message = item.Message;
                var row = item.Row;
                var granted = await ledger.WriteAsync(unrecorded, row.Id, owner, options.LeaseDuration, CancellationToken.None);
                unrecorded.Clear();
                if (!granted)
                {
                    // Paused or cancelled since the claim (or the lease was lost): leave the notice's other rows too.
                    if (row.NoticeId is { } heldNotice)
                    {
                        held.Add(heldNotice);
                    }

                    current = await NextAsync();
                    continue;
                }

                var handedOverAt = time.GetTimestamp();

                // Build the next message now, not after this one's reply: it would lengthen the unrecorded window.
                var next = await NextAsync();

                // Connect (or recycle) before taking a grant, so the grant is spent at once: the relay then sees the
                // limiter's pace, not our connection set-up or our database's.
                var notReady = await session.ReadyAsync(stopping);
                if (_throttled && notReady is null)
                {
                    // Stopping while held gives the row back (and clears its handover mark) in the finally below.
                    await AcquireAsync(next, stopping);
                }

                if (time.GetElapsedTime(handedOverAt) > options.LeaseDuration / 4)
                {
                    // A long hold since the handover mark (tight limits, a relay's Retry-After, a slow connection or
                    // database, a starved machine): keep the batch's leases, and make sure this row is still ours
                    // before it goes out, or another worker that reclaimed it would send it too.
                    await ledger.RenewAsync(pending, owner, options.LeaseDuration, stopping);
                    leaseRenewAt = time.GetUtcNow() + (options.LeaseDuration / 2);
                    if (await ledger.RenewAsync([row.Id], owner, options.LeaseDuration, stopping) == 0)
                    {
                        pending.Remove(row.Id);
                        current = next;
                        continue;
                    }
                }

                // From here the message is in hand: finish it and record it even when asked to stop.
                pending.Remove(row.Id);
                var result = notReady ?? await session.SendAsync(message, CancellationToken.None);
                var outcome = Classify(row, result);
                unrecorded.Add((row.Id, outcome));
                metrics.Message(outcome.State.ToString().ToLowerInvariant());
                LogOutcome(logger, owner, MailAddresses.Mask(row.Email), outcome.State, result.StatusCode);

                if (result.RelayProblem)
                {
                    next?.Message.Dispose();
                    _relayProblems++;
                    var pause = Backoff.Delay(_relayProblems, options.RetryBase, options.RetryCap, Random.Shared) + (options.RetryBase / 2);
                    LogRelayProblem(logger, owner, pause, MailAddresses.MaskAll(result.Detail));
                    return pause;
                }

                _relayProblems = 0;
                current = next;
            }

            return null;
        }
        finally
        {
            current?.Message.Dispose();
            if (unrecorded.Count > 0)
            {
                await ledger.WriteAsync(unrecorded, null, owner, options.LeaseDuration, CancellationToken.None);
            }

            if (pending.Count > 0)
            {
                // Shutdown, a pause or cancel, or a relay problem: give the rest back at once rather than at lease expiry.
                await ledger.ReleaseAsync(pending, owner, CancellationToken.None);
            }
        }

        // The next row to hand over, its message built; rows that need no handover (an in-flight row under at-most-once,
        // an address the message cannot be built for) get their outcome queued for the next write. Null at the end of
        // the batch or when stopping (the rest goes back to the queue).
        async Task<Prepared?> NextAsync()
        {
            while (position < batch.Count)
            {
                if (stopping.IsCancellationRequested)
                {
                    return null;
                }

                var row = batch[position++];
                if (row.NoticeId is { } notice && held.Contains(notice))
                {
                    continue;
                }

                if (row.WasInFlight && options.InFlightPolicy == InFlightPolicy.AtMostOnce)
                {
                    // It may have reached the relay before a crash: do not risk a second copy; an operator resends.
                    unrecorded.Add((row.Id, new RowOutcome(OutboxState.Unknown, "the sender stopped during the handover; the relay may have taken it", null, null)));
                    pending.Remove(row.Id);
                    metrics.Message("unknown");
                    continue;
                }

                if (time.GetUtcNow() >= leaseRenewAt)
                {
                    await ledger.RenewAsync(pending, owner, options.LeaseDuration, stopping);
                    leaseRenewAt = time.GetUtcNow() + (options.LeaseDuration / 2);
                }

                try
                {
                    if (row.NoticeId is not { } noticeId)
                    {
                        return new Prepared(row, transactional.Open(row));
                    }

                    var mail = await mails.GetAsync(ledger.Db, noticeId, stopping);
                    return new Prepared(row, mail.Email.Build(new NoticeEmailRecipient(row.EmployeeId, row.DisplayName, row.Email, row.JobSeries), mail.SignupLink(links, row.EmployeeId), row.MessageId));
                }
                catch (Exception exception) when (exception is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
                {
                    // A recipient the message cannot be addressed to (a malformed address in the directory), or a
                    // stored message that cannot be read back (its Data Protection key is gone): fail the row, go on.
                    unrecorded.Add((row.Id, new RowOutcome(OutboxState.Failed, "could not build the message: " + exception.Message, null, null)));
                    pending.Remove(row.Id);
                    metrics.Message("failed");
                }
            }

            return null;
        }
    }

    /// <summary>Takes a grant; if stopping interrupts the wait, the already built next message is disposed.</summary>
    private async Task AcquireAsync(Prepared? next, CancellationToken stopping)
    {
        try
        {
            // The budget shared with other instances first, then this instance's own pacing at the moment of sending.
            await budget.TakeAsync(stopping);
            await limiter.AcquireAsync(1, stopping);
        }
        catch (OperationCanceledException)
        {
            next?.Message.Dispose();
            throw;
        }
    }

    /// <summary>A leased row with its message built, ready for its handover.</summary>
    private sealed record Prepared(ClaimedRow Row, MimeMessage Message);

    private RowOutcome Classify(ClaimedRow row, DeliveryResult result)
    {
        var detail = MailAddresses.MaskAll(result.Detail);
        var attempts = row.Attempts + 1;
        switch (result.Outcome)
        {
            case DeliveryOutcome.Sent:
                return new RowOutcome(OutboxState.Sent, detail, result.StatusCode, null);
            case DeliveryOutcome.Permanent when !result.RelayProblem:
                return new RowOutcome(OutboxState.Failed, detail, result.StatusCode, null);
            case DeliveryOutcome.Unknown when options.InFlightPolicy == InFlightPolicy.AtMostOnce:
                return new RowOutcome(OutboxState.Unknown, detail, result.StatusCode, null);
            default:
                // Transient, unknown (at-least-once: resend with the same Message-ID), or the relay refusing everything.
                if (result.StatusCode is 421 or 454 or 429)
                {
                    limiter.Slow(result.RetryAfter ?? options.RetryBase);
                }

                if (attempts >= options.MaxAttempts && !result.RelayProblem)
                {
                    return new RowOutcome(OutboxState.Failed, $"gave up after {attempts} attempts: {detail}", result.StatusCode, null);
                }

                var delay = Backoff.Delay(Math.Max(1, attempts), options.RetryBase, options.RetryCap, Random.Shared);
                if (result.RetryAfter is { } hint && hint > delay)
                {
                    delay = hint;
                }

                return new RowOutcome(OutboxState.Deferred, detail, result.StatusCode, time.GetUtcNow() + delay);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, time, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(LogLevel.Error, "Delivery worker {Worker} failed; it starts over")]
    private static partial void LogWorkerFailed(ILogger logger, string worker, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Worker {Worker} reclaimed {Rows} rows from expired leases ({InFlight} possibly handed over; policy {Policy})")]
    private static partial void LogReclaimed(ILogger logger, string worker, int rows, int inFlight, InFlightPolicy policy);

    [LoggerMessage(LogLevel.Debug, "Worker {Worker}: message to {Recipient} {State} ({Code})")]
    private static partial void LogOutcome(ILogger logger, string worker, string recipient, OutboxState state, int? code);

    [LoggerMessage(LogLevel.Warning, "Worker {Worker} holds for {Pause}: the relay refuses every message ({Detail})")]
    private static partial void LogRelayProblem(ILogger logger, string worker, TimeSpan pause, string detail);

    [LoggerMessage(LogLevel.Information, "Notice {NoticeId} sent: every recipient's row reached a final state")]
    private static partial void LogNoticeSent(ILogger logger, Guid noticeId);
}
