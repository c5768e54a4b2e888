using System.Net;
using System.Net.Sockets;

namespace Dynamo.Dev.Cluster;

internal static class FreePort
{
    /// <summary>A loopback port nothing listens on now (the OS picks it, so parallel runs do not collide).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                throw new TimeoutException($"Nothing listens on port {port} after {timeout.TotalSeconds} s. {diagnostics()}");
            }
        }
    }
}
