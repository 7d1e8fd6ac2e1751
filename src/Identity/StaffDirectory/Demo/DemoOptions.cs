using System.ComponentModel.DataAnnotations;

namespace Notices.Identity.StaffDirectory.Demo;

/// <summary>The demo directory loaded on the first Development start (<c>Notices:Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string Section = "Notices:Demo";

    /// <summary>Load the demo directory when the directory is empty. Only ever in Development.</summary>
    public bool Enabled { get; set; } = true;

    [Range(1, 1_000_000)]
    public int Employees { get; set; } = DemoDirectoryGenerator.DefaultEmployees;

    public long Seed { get; set; } = 1;
}
