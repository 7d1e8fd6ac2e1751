using Microsoft.Extensions.Options;
using Notices.Signup.Inbound;

namespace Notices.Mail.Graph;

internal static class GraphMailModule
{
    /// <summary>Sending (<c>Notices:Mail:Transport = Graph</c>) and reading (<c>Notices:Mail:Inbound:Source = Graph</c>) through Microsoft Graph.</summary>
    public static WebApplicationBuilder AddGraphMail(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GraphMailOptions>().BindConfiguration(GraphMailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<GraphMailboxPool>();
        services.AddSingleton<GraphMailTransport>();

        services.AddOptions<GraphInboundOptions>().BindConfiguration(GraphInboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<GraphInboundOptions>, GraphInboundOptionsValidator>();
        var inbound = builder.Configuration.GetSection(InboundMailOptions.Section).Get<InboundMailOptions>() ?? new InboundMailOptions();
        if (inbound.Source == InboundMailSourceKind.Graph)
        {
            services.AddSingleton<GraphInboundMailSource>();
            services.AddSingleton<IInboundMailSource>(sp => sp.GetRequiredService<GraphInboundMailSource>());
        }

        return builder;
    }
}
