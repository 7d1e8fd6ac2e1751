using Notices.Identity.StaffDirectory;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Demo;

namespace Notices.Benchmarks;

/// <summary>
/// Importing 250,000 demo rows into an empty directory (parse, validate, apply), against the baseline:
/// the same rows written into a bare table by binary COPY (PostgreSQL) or prepared INSERTs in one transaction (SQLite).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class ImportBenchmarks
{
    private IReadOnlyList<StaffMember> _rows = [];
    private byte[] _csv = [];
    private ImportSubject? _subject;

    [Params(250_000)]
    public int Rows { get; set; }

    [Params(DatabaseProvider.Sqlite, DatabaseProvider.Postgres)]
    public DatabaseProvider Provider { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rows = DemoDirectory.Generate(Rows, 1);
        using var stream = DemoDirectory.ToCsvStream(_rows);
        _csv = stream.ToArray();
        _subject = ImportSubject.CreateAsync(Provider).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void Clear() => _subject!.ClearAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task Baseline() => _subject!.BaselineAsync(_rows);

    [Benchmark]
    public async Task Import()
    {
        var outcome = await _subject!.ImportAsync(_csv);
        if (!outcome.Accepted)
        {
            throw new InvalidOperationException(outcome.Problems[0]);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _subject?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
