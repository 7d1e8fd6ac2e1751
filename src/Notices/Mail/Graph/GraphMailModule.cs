namespace Notices.Mail.Graph;

internal static class GraphMailModule
{
    /// <summary>Sending through Microsoft Graph (<c>Notices:Mail:Transport = Graph</c>); Signup reads replies through it.</summary>
    public static WebApplicationBuilder AddGraphMail(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GraphMailOptions>().BindConfiguration(GraphMailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<GraphMailboxPool>();
        services.AddSingleton<GraphMailTransport>();
        return builder;
    }
}
