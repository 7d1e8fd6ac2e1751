using Microsoft.Playwright;

namespace Notices.EndToEnd.Tests;

/// <summary>What a person does in the browser, through the pages themselves.</summary>
internal static class BrowserIntents
{
    /// <summary>
    /// Signs in on the development sign-in page as a person does: searches the directory, picks the person, ticks
    /// the roles (<c>NoticesRoles.Admin</c>...) and submits; returns once the page has left the sign-in page.
    /// </summary>
    public static async Task SignInAsync(this IPage page, string search, string employeeId, params string[] roles)
    {
        await page.GotoAsync("/account/signin");
        await page.GetByLabel("Find a person by name, email or employee id").FillAsync(search);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();

        // USWDS draws its own radios and checkboxes over visually hidden inputs: people click the labels.
        await page.Locator($"label[for='dev-person-{employeeId}']").ClickAsync();
        foreach (var role in roles)
        {
            var name = role.Replace("Notices.", "", StringComparison.Ordinal).ToLowerInvariant();
            await page.Locator($"label[for='dev-role-{name}']").ClickAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/signin", StringComparison.Ordinal));
    }

    /// <summary>Uploads <paramref name="csv"/> on the directory import page (already open), optionally as a dry run.</summary>
    public static async Task UploadDirectoryAsync(this IPage page, string fileName, string csv, bool dryRun)
    {
        await page.Locator("#directory-file").SetInputFilesAsync(new FilePayload
        {
            Name = fileName,
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes(csv),
        });
        if (dryRun)
        {
            await page.Locator("label[for='dry-run']").ClickAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
    }
}
