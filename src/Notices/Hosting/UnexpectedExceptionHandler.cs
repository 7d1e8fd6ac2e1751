using Microsoft.AspNetCore.Diagnostics;

namespace Notices.Hosting;

/// <summary>Turns anything unexpected into a ProblemDetails answer without leaking internals.</summary>
internal sealed partial class UnexpectedExceptionHandler(IProblemDetailsService problems, ILogger<UnexpectedExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            httpContext.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message },
            });
        }

        // The route pattern, never the path: paths can carry link tokens.
        LogUnexpected(logger, exception, httpContext.Request.Method, (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no endpoint)");
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = 500, Title = "An unexpected error occurred", Detail = "The error has been logged." },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Route}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string route);
}
