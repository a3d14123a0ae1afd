using System.Data.Common;

namespace Litiges.Data;

/// <summary>Whether a failure is the database not answering (down, unreachable, timed out) rather than a bug.</summary>
public static class DatabaseUnavailable
{
    public static bool Is(Exception? error)
    {
        for (var current = error; current is not null; current = current.InnerException)
        {
            if (current is DbException or System.Net.Sockets.SocketException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
