using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Notices.Delivery.Outbox;

/// <summary>
/// Wakes this instance's workers when a transaction that queued mail commits (in any module's context), not before:
/// woken at the insert, a worker would look before the row is visible and then sleep through it.
/// </summary>
internal sealed class OutboxCommitSignal(DeliverySignal signal) : DbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbTransaction, object> _queued = [];

    /// <summary>Notes that <paramref name="transaction"/> queued a message: its commit wakes the workers.</summary>
    public void Queued(DbTransaction transaction) => _queued.AddOrUpdate(transaction, this);

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Notify(transaction);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Notify(transaction);
        return Task.CompletedTask;
    }

    private void Notify(DbTransaction transaction)
    {
        if (_queued.Remove(transaction))
        {
            signal.Notify();
        }
    }
}
