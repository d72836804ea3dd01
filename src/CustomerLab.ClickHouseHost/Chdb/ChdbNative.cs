using System.Reflection;
using System.Runtime.InteropServices;

namespace CustomerLab.ClickHouseHost.Chdb;

/// <summary>
/// P/Invoke surface of libchdb.so (chdb.h, 26.7.3). Handles are opaque pointers; every
/// string is passed as a pointer plus a length (the <c>_n</c> variants) so SQL and data
/// never need NUL terminators and binary bodies stay binary-safe.
/// </summary>
internal static unsafe partial class ChdbNative
{
    private const string Lib = "chdb";
    private static string? s_libraryPath;

    /// <summary>Points every <c>chdb</c> import of this assembly at <paramref name="path"/>. Call once, before the first call.</summary>
    public static void UseLibrary(string path)
    {
        s_libraryPath = path;
        NativeLibrary.SetDllImportResolver(typeof(ChdbNative).Assembly, Resolve);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Lib && s_libraryPath is not null ? NativeLibrary.Load(s_libraryPath) : 0;

    [LibraryImport(Lib, EntryPoint = "chdb_version")]
    public static partial nint Version();

    [LibraryImport(Lib, EntryPoint = "chdb_set_signal_handlers_enabled")]
    public static partial void SetSignalHandlersEnabled(int enabled);

    /// <summary>Returns a <c>chdb_connection*</c> (pointer to the handle), or 0 on failure.</summary>
    [LibraryImport(Lib, EntryPoint = "chdb_connect")]
    public static partial nint Connect(int argc, nint* argv);

    [LibraryImport(Lib, EntryPoint = "chdb_close_conn")]
    public static partial void CloseConnection(nint connectionPtr);

    [LibraryImport(Lib, EntryPoint = "chdb_query_n")]
    public static partial nint Query(nint conn, byte* query, nuint queryLen, byte* format, nuint formatLen);

    [LibraryImport(Lib, EntryPoint = "chdb_query_with_params_n")]
    public static partial nint QueryWithParams(nint conn, byte* query, nuint queryLen, byte* format, nuint formatLen,
        byte** names, nuint* nameLens, byte** values, nuint* valueLens, nuint count);

    [LibraryImport(Lib, EntryPoint = "chdb_stream_insert_n")]
    public static partial nint StreamInsert(nint conn, byte* query, nuint queryLen, byte* format, nuint formatLen);

    [LibraryImport(Lib, EntryPoint = "chdb_stream_append")]
    public static partial int StreamAppend(nint stream, byte* data, nuint len);

    [LibraryImport(Lib, EntryPoint = "chdb_stream_done")]
    public static partial nint StreamDone(nint stream);

    [LibraryImport(Lib, EntryPoint = "chdb_stream_insert_error")]
    public static partial nint StreamInsertError(nint stream);

    [LibraryImport(Lib, EntryPoint = "chdb_destroy_insert_stream")]
    public static partial void DestroyInsertStream(nint stream);

    [LibraryImport(Lib, EntryPoint = "chdb_destroy_query_result")]
    public static partial void DestroyResult(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_buffer")]
    public static partial byte* ResultBuffer(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_length")]
    public static partial nuint ResultLength(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_error")]
    public static partial nint ResultError(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_elapsed")]
    public static partial double ResultElapsed(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_rows_read")]
    public static partial ulong ResultRows(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_bytes_read")]
    public static partial ulong ResultBytes(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_storage_rows_read")]
    public static partial ulong StorageRowsRead(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_storage_bytes_read")]
    public static partial ulong StorageBytesRead(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_rows_written")]
    public static partial ulong RowsWritten(nint result);

    [LibraryImport(Lib, EntryPoint = "chdb_result_bytes_written")]
    public static partial ulong BytesWritten(nint result);
}
