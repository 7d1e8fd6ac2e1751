using Notices.Identity.StaffDirectory.Import;

namespace Notices.Identity.StaffDirectory.Demo;

/// <summary>
/// The deterministic demo agency, for the CLI, benchmarks and tests: the same seed gives the same directory. Loading
/// goes through the importer, so a demo directory is checked exactly like an uploaded one.
/// </summary>
public static class DemoDirectory
{
    public const int DefaultEmployees = DemoDirectoryGenerator.DefaultEmployees;

    public static IReadOnlyList<StaffMember> Generate(int employees, long seed) => DemoDirectoryGenerator.Generate(employees, seed);

    /// <summary>Writes <paramref name="employees"/> in the import CSV format.</summary>
    public static void WriteCsv(IEnumerable<StaffMember> employees, TextWriter writer) => DemoDirectoryGenerator.WriteCsv(employees, writer);

    /// <summary><paramref name="employees"/> as an import CSV, in memory.</summary>
    public static MemoryStream ToCsvStream(IEnumerable<StaffMember> employees) => DemoDirectoryGenerator.ToCsvStream(employees);

    /// <summary>Generates the demo directory and imports it through the scope's <see cref="IDirectoryImporter"/>.</summary>
    public static Task<ImportOutcome> LoadAsync(
        IServiceProvider scopedServices, int employees, long seed, ImportOptions options, IProgress<ImportProgress>? progress, CancellationToken cancellationToken) =>
        DemoDirectoryLoader.LoadAsync(scopedServices, employees, seed, options, progress, cancellationToken);
}
