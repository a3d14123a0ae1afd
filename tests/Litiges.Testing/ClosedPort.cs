using System.Net;
using System.Net.Sockets;

namespace Litiges.Testing;

/// <summary>
/// A loopback port the test holds bound but never listens on: every connection to it is refused,
/// and no other process can start listening there while the test holds it (unlike a port merely
/// assumed dead, such as 9).
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
