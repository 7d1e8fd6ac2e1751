using System.Globalization;

namespace Notices.Templates.Emails;

/// <summary>Tells the admin who started a directory import how it ended: the counts, or how many problems stopped it.</summary>
/// <param name="FileName">The imported file's name (no path).</param>
/// <param name="DryRun">True when nothing was applied on purpose.</param>
/// <param name="ProblemCount">Rows refused; when above zero nothing was applied (all or nothing).</param>
/// <param name="DirectoryLink">Where to see the directory, or the problems.</param>
public sealed record DirectoryImportFinishedModel(
    string FileName,
    bool DryRun,
    int Added,
    int Updated,
    int Deactivated,
    int Unchanged,
    int ProblemCount,
    DateTimeOffset FinishedAt,
    Uri DirectoryLink) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<DirectoryImportFinished>();

    public bool Rejected => ProblemCount > 0;

    public string Subject => Rejected
        ? string.Create(CultureInfo.InvariantCulture, $"Directory import rejected: {ProblemCount} {(ProblemCount == 1 ? "problem" : "problems")}")
        : DryRun
            ? "Directory import checked (dry run): nothing applied"
            : "Directory import finished";

    public string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"added {Added}, updated {Updated}, deactivated {Deactivated}, unchanged {Unchanged}");

    public string FinishedAtText => FinishedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
