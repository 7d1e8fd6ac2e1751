using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Notices.Hosting;

/// <summary>
/// Metrics and traces for operators: sends per second, failures by reason, queue depth, lease reclaims and replies
/// processed are published on the "Notices.*" meters by the modules. Exported over OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise metrics are collected in-process only (for dotnet-counters), and
/// traces are not recorded at all: with nowhere to go, a span per request is only cost (about 5% of a sign-up page
/// view's CPU, by the signup-load profile).
/// </summary>
internal static class Telemetry
{
    public const string MeterPrefix = "Notices";

    public static WebApplicationBuilder AddNoticesTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry();
        telemetry
            .ConfigureResource(resource => resource.AddService("notices"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddMeter(MeterPrefix + ".*");
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                    // Sign-up and approval paths carry tokens: keep them out of span names and attributes.
                    options.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.path", null))
                .AddSource(MeterPrefix + ".*")
                .AddOtlpExporter());
        }

        return builder;
    }
}
