using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Dynamo.Planner.Connectors.Tests;

/// <summary>
/// A Kubernetes API server on loopback serving what the connector uses: a Deployment's scale subresource
/// (GET, and PATCH with a JSON merge patch honouring <c>metadata.resourceVersion</c> as a precondition, as the real
/// one does). It records every request, and can be told to answer the next PATCHes with a concurrent change (409) or an error.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Replicas, int Version)> _deployments = [];
    private readonly List<Recorded> _requests = [];

    public sealed record Recorded(string Method, string PathAndQuery, string? ContentType, string Body, string? Authorization);

    public FakeKubernetesApi()
    {
        Url = $"http://127.0.0.1:{FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public string Namespace { get; init; } = "dynamo";

    /// <summary>The next PATCHes that find someone else changed the scale first: each bumps its version and answers 409.</summary>
    public int ConcurrentChanges { get; set; }

    /// <summary>When set, every PATCH is answered with this status and a Kubernetes Status body.</summary>
    public HttpStatusCode? PatchFailure { get; set; }

    public IReadOnlyList<Recorded> Requests
    {
        get { lock (_lock) return [.. _requests]; }
    }

    public void AddDeployment(string name, int replicas, int version)
    {
        lock (_lock)
            _deployments[name] = (replicas, version);
    }

    public int Replicas(string name)
    {
        lock (_lock)
            return _deployments[name].Replicas;
    }

    public string ScalePath(string deployment) => $"/apis/apps/v1/namespaces/{Namespace}/deployments/{deployment}/scale";

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var request = new Recorded(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, context.Request.ContentType, body, context.Request.Headers["Authorization"]);
            var (status, answer) = Answer(request);
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (HttpStatusCode, string) Answer(Recorded request)
    {
        lock (_lock)
        {
            _requests.Add(request);
            var prefix = $"/apis/apps/v1/namespaces/{Namespace}/deployments/";
            if (!request.PathAndQuery.StartsWith(prefix, StringComparison.Ordinal) || !request.PathAndQuery.EndsWith("/scale", StringComparison.Ordinal))
                return Status(HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource ({request.PathAndQuery})");
            var name = request.PathAndQuery[prefix.Length..^"/scale".Length];
            if (!_deployments.TryGetValue(name, out var deployment))
                return Status(HttpStatusCode.NotFound, "NotFound", $"deployments.apps \"{name}\" not found");
            if (request.Method == "GET")
                return (HttpStatusCode.OK, Scale(name, deployment));
            if (request.Method != "PATCH")
                return Status(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", request.Method);
            if (PatchFailure is { } failure)
                return Status(failure, "InternalError", "etcdserver: request timed out");
            if (ConcurrentChanges > 0)
            {
                ConcurrentChanges--;
                _deployments[name] = deployment = (deployment.Replicas + 1, deployment.Version + 1);
            }
            var patch = JsonNode.Parse(request.Body)!;
            if (patch["metadata"]?["resourceVersion"]?.GetValue<string>() is { } version && version != deployment.Version.ToString())
                return Status(HttpStatusCode.Conflict, "Conflict",
                    $"Operation cannot be fulfilled on deployments.apps \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
            var replicas = patch["spec"]?["replicas"]?.GetValue<int>() ?? deployment.Replicas;
            _deployments[name] = deployment = (replicas, deployment.Version + 1);
            return (HttpStatusCode.OK, Scale(name, deployment));
        }
    }

    private string Scale(string name, (int Replicas, int Version) deployment) => new JsonObject
    {
        ["kind"] = "Scale",
        ["apiVersion"] = "autoscaling/v1",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["resourceVersion"] = deployment.Version.ToString() },
        ["spec"] = new JsonObject { ["replicas"] = deployment.Replicas },
        ["status"] = new JsonObject { ["replicas"] = deployment.Replicas, ["selector"] = $"app={name}" },
    }.ToJsonString();

    private static (HttpStatusCode, string) Status(HttpStatusCode code, string reason, string message) => (code, new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = (int)code,
    }.ToJsonString());

    /// <summary>A kubeconfig whose current context is this server, with a bearer token and no namespace of its own unless given.</summary>
    public string WriteKubeconfig(string folder, string? contextNamespace = null) => WriteKubeconfig(folder, Url, contextNamespace);

    public static string WriteKubeconfig(string folder, string url, string? contextNamespace)
    {
        var path = Path.Combine(folder, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster:
                  server: {url.TrimEnd('/')}
            contexts:
              - name: fake
                context:
                  cluster: fake
                  user: planner
            {(contextNamespace is null ? "" : $"      namespace: {contextNamespace}")}
            current-context: fake
            users:
              - name: planner
                user:
                  token: planner-token
            """);
        return path;
    }

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
    }
}
