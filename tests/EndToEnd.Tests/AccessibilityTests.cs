using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

public sealed class AccessibilityTests(Browser browser) : IClassFixture<Browser>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/no-such-page")]
    public async Task Page_has_no_WCAG_21_AA_violations(string path)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string> { ["urls"] = "http://127.0.0.1:0" });
        var baseUri = RunningApp.Start(app);
        var page = await browser.Instance.NewPageAsync();

        await page.GotoAsync(new Uri(baseUri, path).ToString());
        var violations = await Accessibility.ViolationsAsync(page);

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        Assert.False(string.IsNullOrWhiteSpace(await page.TitleAsync()));
    }
}
