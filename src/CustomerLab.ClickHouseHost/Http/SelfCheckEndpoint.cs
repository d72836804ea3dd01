using System.Runtime.CompilerServices;
using CustomerLab.ClickHouseHost.Chdb;

namespace CustomerLab.ClickHouseHost.Http;

/// <summary>
/// <c>/__selfcheck</c> (only with <c>ClickHouseHost:EnableSelfCheck</c>): after the engine has run a
/// query, provokes a hardware null dereference and an integer division by zero in managed code.
/// CoreCLR turns SIGSEGV/SIGFPE into exceptions only while its signal handlers are installed; had
/// chDB reset them, this request would kill the process instead of answering.
/// </summary>
internal static class SelfCheckEndpoint
{
    public static async Task HandleAsync(HttpContext context, ChdbConnectionPool pool)
    {
        var connection = await pool.RentAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
        if (connection is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        try
        {
            using var result = connection.Query("SELECT sum(number) FROM numbers(1000)");
        }
        finally
        {
            pool.Return(connection);
        }
        var nullCaught = false;
        var divideCaught = false;
        try { _ = ReadField(null); } catch (NullReferenceException) { nullCaught = true; }
        try { _ = Divide(1, 0); } catch (DivideByZeroException) { divideCaught = true; }
        await context.Response.WriteAsync($"null-reference:{(nullCaught ? "caught" : "missed")} divide-by-zero:{(divideCaught ? "caught" : "missed")}\n");
    }

    private sealed class Box { public int Value = 1; }

    // NoInlining keeps the JIT from proving the null and throwing without touching memory.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadField(Box? box) => box!.Value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Divide(int a, int b) => a / b;
}
