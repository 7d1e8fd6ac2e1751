namespace Notices.Composing;

/// <summary>The Composing feature: compose, edit, submit and release notices (helper A).</summary>
internal static class ComposingModule
{
    public static WebApplicationBuilder AddComposing(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static IEndpointRouteBuilder MapComposing(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
