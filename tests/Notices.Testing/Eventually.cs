using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Notices.Testing;

/// <summary>
/// Waits, with a bound, for a condition the service brings about in the background (a send settling, a limit
/// reconciled). The condition is checked again as soon as the service reports activity on its own meters (a message
/// handed over, deferred or failed, a lease reclaimed, a throttle wait), so a wait ends when the work does rather
/// than on a sleep's schedule. Changes no meter reports (the notice's own state, another process's sends) are caught
/// by a re-check after a short back-off. On timeout the failure names what was awaited and shows the last value.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan FirstRecheck = TimeSpan.FromMilliseconds(10);

    // A busy send reports activity constantly: probing (a database query) at most this often keeps the wait cheap.
    private static readonly TimeSpan ShortestInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan LongestRecheck = TimeSpan.FromMilliseconds(250);

    /// <summary>Probes until <paramref name="done"/> holds and returns that value; throws <see cref="TimeoutException"/> after <paramref name="bound"/>.</summary>
    public static async Task<T> WaitAsync<T>(
        this NoticesAppFactory app, Func<Task<T>> probe, Func<T, bool> done, TimeSpan bound, string what, Func<T, string>? describe = null)
    {
        using var activity = new ServiceActivity(app.Services.GetRequiredService<IMeterFactory>());
        var clock = Stopwatch.StartNew();
        var recheck = FirstRecheck;
        while (true)
        {
            // Taken before probing, so activity during the probe wakes the next wait at once.
            var next = activity.Next;
            var probed = clock.Elapsed;
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            var left = bound - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Waited {bound} for {what}; last seen: {(describe is null ? value?.ToString() : describe(value))}");
            }

            var woken = await Task.WhenAny(next, Task.Delay(recheck < left ? recheck : left));
            if (woken == next)
            {
                recheck = FirstRecheck;
                var sinceProbe = clock.Elapsed - probed;
                if (sinceProbe < ShortestInterval)
                {
                    await Task.Delay(ShortestInterval - sinceProbe);
                }
            }
            else
            {
                recheck = TimeSpan.FromTicks(Math.Min(recheck.Ticks * 2, LongestRecheck.Ticks));
            }
        }
    }

    /// <summary>Completes <see cref="Next"/> at each measurement on the meters of this app's service provider only.</summary>
    private sealed class ServiceActivity : IDisposable
    {
        private readonly MeterListener _listener = new();
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ServiceActivity(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Pulse());
            _listener.SetMeasurementEventCallback<int>((_, _, _, _) => Pulse());
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Pulse());
            _listener.Start();
        }

        public Task Next => Volatile.Read(ref _next).Task;

        public void Dispose() => _listener.Dispose();

        private void Pulse() =>
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
