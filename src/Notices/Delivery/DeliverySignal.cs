namespace Notices.Delivery;

/// <summary>
/// Wakes this instance's idle workers at once, e.g. right after a release committed its outbox rows; without it
/// they find new work on their next idle poll (<see cref="DeliveryOptions.IdlePollInterval"/>). Other instances
/// poll. Cheap and safe to call from anywhere, any number of times.
/// </summary>
internal sealed class DeliverySignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next <see cref="Notify"/>; take it before looking for work so no signal is missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;
}
