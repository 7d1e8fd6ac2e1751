using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Notices.Hosting;

/// <summary>
/// Metrics and traces for operators: sends per second, failures by reason, queue depth, lease reclaims and replies
/// processed are published on the "Notices.*" meters by the modules. Exported over OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise collected in-process only.
/// </summary>
internal static class Telemetry
{
    public const string MeterPrefix = "Notices";

    public static WebApplicationBuilder AddNoticesTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("notices"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddMeter(MeterPrefix + ".*");
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(options =>
                    // Sign-up and approval paths carry tokens: keep them out of span names and attributes.
                    options.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.path", null))
                    .AddSource(MeterPrefix + ".*");
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        return builder;
    }
}
