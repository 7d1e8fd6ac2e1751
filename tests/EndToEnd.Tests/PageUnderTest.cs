using Microsoft.Playwright;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// A page in a fresh browser context (own cookies) on the running service, recording what the browser reports:
/// Content-Security-Policy violations on the console and uncaught script errors.
/// </summary>
internal sealed class PageUnderTest : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];

    private PageUnderTest(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (_problems)
                {
                    _problems.Add("CSP violation: " + message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_problems)
            {
                _problems.Add("Script error: " + error);
            }
        };
    }

    public IPage Page { get; }

    /// <param name="browser">The class's browser.</param>
    /// <param name="baseUri">The running service.</param>
    /// <param name="phone">A 390 px wide viewport (a common phone), where USWDS collapses the navigation behind a Menu button.</param>
    public static async Task<PageUnderTest> OpenAsync(Browser browser, Uri baseUri, bool phone = false)
    {
        var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUri.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : null,
        });
        return new PageUnderTest(context, await context.NewPageAsync());
    }

    /// <summary>Goes to <paramref name="path"/> and checks the answer's status.</summary>
    public async Task GotoAsync(string path, int expectedStatus = 200)
    {
        var response = await Page.GotoAsync(path) ?? throw new InvalidOperationException($"No response for {path}.");
        Assert.True(response.Status == expectedStatus, $"{path} answered {response.Status}, expected {expectedStatus}.");
    }

    /// <summary>
    /// The page as loaded passes axe-core (WCAG 2.1 A/AA), has one h1, one main landmark and a title, got the USWDS
    /// stylesheet, and the browser reported no CSP violation or script error.
    /// </summary>
    public async Task AssertAccessibleAsync(bool enterFrames = true)
    {
        await ScreenshotAsync();

        var violations = await Accessibility.ViolationsAsync(Page, enterFrames);
        Assert.True(violations.Count == 0, $"axe-core on {Page.Url}:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");

        Assert.Equal(1, await Page.Locator("h1").CountAsync());
        Assert.Equal(1, await Page.Locator("main, [role=main]").CountAsync());
        Assert.False(string.IsNullOrWhiteSpace(await Page.TitleAsync()), $"{Page.Url} has no title.");
        var font = await Page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontFamily");
        Assert.Contains("Source Sans", font, StringComparison.Ordinal);

        lock (_problems)
        {
            Assert.True(_problems.Count == 0, $"{Page.Url}:{Environment.NewLine}{string.Join(Environment.NewLine, _problems)}");
        }
    }

    /// <summary>
    /// The page does not scroll sideways at its viewport's width (1280 px unless a phone); fails naming the deepest
    /// elements that stick out, so the cause is in the message.
    /// </summary>
    public async Task AssertNoSidewaysScrollAsync()
    {
        var width = Page.ViewportSize?.Width ?? 1280;
        var scroll = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        if (scroll <= width)
        {
            return;
        }

        var culprits = await Page.EvaluateAsync<string[]>(
            """
            (width) => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > width + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
              .slice(0, 8)
              .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`)
            """,
            width);
        Assert.Fail($"{Page.Url} is {scroll} px wide at {width} px: {string.Join("; ", culprits)}");
    }

    /// <summary>
    /// With NOTICES_TEST_SCREENSHOTS set to a folder, saves the whole page there (named by time, path and width), so a
    /// person can look at every state the tests check, as HR would see it.
    /// </summary>
    private async Task ScreenshotAsync()
    {
        if (Environment.GetEnvironmentVariable("NOTICES_TEST_SCREENSHOTS") is not { Length: > 0 } folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var path = new Uri(Page.Url).AbsolutePath.Trim('/').Replace('/', '_');
        var width = Page.ViewportSize?.Width ?? 1280;
        var name = $"{DateTime.UtcNow:HHmmss.fff}-{(path.Length == 0 ? "home" : path)}-{width}.png";
        await Page.ScreenshotAsync(new() { Path = Path.Combine(folder, name), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
