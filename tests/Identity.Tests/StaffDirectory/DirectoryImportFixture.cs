using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Identity.Tests;

/// <summary>
/// One service per provider with a small directory (E1 head, E2 under E1, E3 under E2) that the refusal
/// tests must leave exactly as it is.
/// </summary>
public sealed class DirectoryImportFixture : AppPerDatabase
{
    public const string BaseFile =
        DirectoryCsv.Header + "\n" +
        "E1,Director One,director@agency.example,0340,SES,,Director,USCIS,Camp Springs,MD,,active\n" +
        "E2,Deputy Two,deputy@agency.example,0340,GS,15,Chief of Staff,USCIS/Office of the Director,Camp Springs,MD,E1,active\n" +
        "E3,Pat Lee,pat.lee@agency.example,1801,GS,12,Immigration Services Officer,USCIS/Office of the Director,Camp Springs,MD,E2,active\n";

    protected override async Task SeedAsync(DatabaseProvider provider, NoticesAppFactory app)
    {
        var outcome = await app.ImportDirectoryAsync(BaseFile);
        Assert.True(outcome.Accepted, string.Join("\n", outcome.Problems));
    }
}
