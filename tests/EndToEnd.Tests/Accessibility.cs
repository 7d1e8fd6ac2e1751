using System.Text.Json;
using Microsoft.Playwright;

namespace Notices.EndToEnd.Tests;

/// <summary>Runs axe-core in the page and returns WCAG 2.1 A/AA violations, formatted for an assertion message.</summary>
internal static class Accessibility
{
    private static readonly string AxeScript = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "assets", "axe.min.js"));

    /// <param name="page">The page, loaded.</param>
    /// <param name="enterFrames">
    /// False to check the page's iframe elements (their title...) but not the documents inside them. Only for the
    /// development mailbox's email frame: it is sandboxed without allow-scripts, so no script runs in it, neither
    /// axe's frame messaging nor Playwright's evaluation (tried: evaluating in that frame never returns), and the
    /// emails it shows are checked on their own with the email templates. Saying so here keeps the exclusion explicit
    /// rather than relying on axe silently skipping a frame it cannot reach.
    /// </param>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, bool enterFrames = true)
    {
        // Evaluated through the DevTools protocol rather than a <script> tag: the page's CSP forbids inline scripts, and
        // the test must not weaken it.
        await page.EvaluateAsync(AxeScript);
        var json = await page.EvaluateAsync<JsonElement>(
            """
            async (iframes) => {
              // WCAG 2.1 A/AA, plus the best-practice 'region' rule: all content inside landmarks (it caught the
              // development site alert, a named <div>, outside every landmark).
              const result = await axe.run(document, {
                iframes,
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                rules: { region: { enabled: true } },
              });
              return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }));
            }
            """,
            enterFrames);
        return json.EnumerateArray()
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact")}): {v.GetProperty("help").GetString()} at {string.Join(", ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))}")
            .ToList();
    }
}
