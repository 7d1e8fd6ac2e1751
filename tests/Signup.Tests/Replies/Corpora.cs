namespace Notices.Signup.Tests.Replies;

/// <summary>
/// The shared corpora of real replies (<c>shared/corpora</c> beside the repository, or above it). A missing corpus
/// fails the tests that need it, with where it was looked for: it is never skipped.
/// </summary>
internal static class Corpora
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static IEnumerable<string> Files(string corpus, string folder, string pattern) =>
        Directory.GetFiles(PathOf(corpus, folder), pattern).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("NOTICES_CORPORA") is { Length: > 0 } configured)
        {
            return configured;
        }

        var looked = new List<string>();
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "corpora");
            looked.Add(candidate);
            if (Directory.Exists(Path.Combine(candidate, "email-reply-trimmer")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("The reply corpora (shared/corpora) were not found; set NOTICES_CORPORA. Looked in: " + string.Join(", ", looked));
    }
}
