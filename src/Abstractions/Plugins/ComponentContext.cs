using Dynamo.Abstractions.Preprocessing;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Abstractions.Plugins;

/// <summary>What a component factory gets: who it is for and its own options section.</summary>
/// <param name="ModelName">The served model name the component belongs to.</param>
/// <param name="ComponentName">The name it was chosen by.</param>
/// <param name="Options">The component's configuration section (empty when none is given).</param>
/// <param name="Services">Host services: logging, <see cref="TimeProvider"/>, configuration.</param>
public sealed record ComponentContext(
    string ModelName,
    string ComponentName,
    IConfiguration Options,
    IServiceProvider Services)
{
    /// <summary>The model's tokenizer, once created; engines that emit text-shaped ids use it.</summary>
    public ITokenizer? Tokenizer { get; init; }

    /// <summary>Set for engines: the id of the worker this engine instance serves as.</summary>
    public string? WorkerId { get; init; }

    /// <summary>
    /// Set for engines: the model's KV offload tiers (<c>KvTiers</c>), in order, created for this
    /// engine instance alone; the engine owns them. Empty when none are configured.
    /// </summary>
    public IReadOnlyList<Dynamo.Abstractions.KvCache.IKvOffloadTier> KvTiers { get; init; } = [];

    /// <summary>
    /// The model's <c>Path</c> from configuration (a model file or folder), shared by the components
    /// that read it; a relative path in configuration arrives resolved against <see cref="ContentRoot"/>.
    /// </summary>
    public string? ModelPath { get; init; }

    /// <summary>Set for engines: the model's grammar engine (with its cache), which compiles requests' <c>Constraint</c>s; null when none is installed.</summary>
    public Dynamo.Abstractions.Constraints.IGrammarCompiler? Grammar { get; init; }

    /// <summary>The host's content root (the folder of the configuration file in use): where a component resolves its own relative paths.</summary>
    public string? ContentRoot { get; init; }
}
