using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dynamo.Runtime.Models;

/// <summary>
/// The served models: built from their named components when the host starts (so a bad
/// configuration stops it then, not at the first request), disposed when it stops; looked up by name.
/// </summary>
internal sealed class ModelRegistry(IOptions<DynamoOptions> options, ModelFactory factory, ILogger<ModelRegistry> logger) : IHostedService, IAsyncDisposable
{
    private Dictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private ModelAliases Aliases => field ??= new(options.Value.ModelAliases);

    public IReadOnlyCollection<ServedModel> Models => Volatile.Read(ref _models).Values;

    /// <summary>The served model of that name, or of the first alias pattern it matches.</summary>
    public ServedModel? Find(string name)
    {
        var models = Volatile.Read(ref _models);
        return models.GetValueOrDefault(name) ?? (Aliases.Resolve(name) is { } target ? models.GetValueOrDefault(target) : null);
    }

    /// <exception cref="DynamoConfigurationException">A required model could not be started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        try
        {
            foreach (var model in options.Value.Models)
            {
                try
                {
                    models[model.Name] = await factory.CreateAsync(model);
                }
                catch (DynamoConfigurationException ex) when (model.Optional)
                {
                    // An optional model (say, one whose file only some machines have) is skipped, not fatal.
                    logger.LogWarning("Optional model {Model} is not served: {Reason}", model.Name, ex.Message);
                }
            }
            if (models.Count == 0)
                throw new DynamoConfigurationException("None of the configured models could be started.");
        }
        catch
        {
            foreach (var started in models.Values)
                await started.DisposeAsync();
            throw;
        }
        Volatile.Write(ref _models, models);
        foreach (var model in models.Values)
            logger.LogInformation("Serving {Model}: {Description}", model.Name, model.Description);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var models = Interlocked.Exchange(ref _models, new(StringComparer.Ordinal));
        foreach (var model in models.Values)
            await model.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
