using Microsoft.Win32.SafeHandles;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// How a spool forces a segment's data to the disk (<see cref="SpoolFiles.DataSync"/>: fdatasync). Registered once for
/// every spool; replaced only by the test that makes it fail and proves no request is acknowledged without it.
/// </summary>
public delegate void SpoolDataSync(SafeFileHandle file);
