using System.Text.Json;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Models;

namespace Dynamo.Host.Http;

/// <summary>
/// Dynamo's <c>/busy_threshold</c>: <c>GET</c> lists each model's busy thresholds, <c>POST</c>
/// <c>{"model", "active_decode_blocks_threshold", "active_prefill_tokens_threshold",
/// "active_prefill_tokens_threshold_frac", "mode"}</c> changes one model's at run time (a field left
/// out stays, <c>null</c> clears it) and answers the model's new thresholds.
/// </summary>
internal sealed class BusyThresholdEndpoint(ModelRegistry models, RequestBodyReader reader)
{
    private static readonly string[] Fields = ["model", "active_decode_blocks_threshold", "active_prefill_tokens_threshold", "active_prefill_tokens_threshold_frac", "mode"];

    public Task GetAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["thresholds"] = models.Models.Select(Entry).ToList() });

    public async Task PostAsync(HttpContext context)
    {
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.JsonElement, context.RequestAborted);
        if (body.ValueKind != JsonValueKind.Object)
            throw DynamoRequestException.BadRequest("The body must be a JSON object.");
        foreach (var field in body.EnumerateObject())
            if (!Fields.Contains(field.Name))
                throw DynamoRequestException.BadRequest($"'{field.Name}' is not a busy threshold field (known: {string.Join(", ", Fields)}).", field.Name);
        var name = body.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!
            : throw DynamoRequestException.BadRequest("'model' (a served model's name) is required.", "model");
        var model = models.Find(name) ?? throw DynamoRequestException.ModelNotFound(name);
        var t = model.Busy.Thresholds;
        var prefill = Number(body, "active_prefill_tokens_threshold", t.ActivePrefillTokens);
        if (prefill is { } p && p != Math.Floor(p))
            throw DynamoRequestException.BadRequest("'active_prefill_tokens_threshold' must be a whole number.", "active_prefill_tokens_threshold");
        var updated = new BusyThresholds(
            Number(body, "active_decode_blocks_threshold", t.ActiveDecodeBlocks),
            (long?)prefill,
            Number(body, "active_prefill_tokens_threshold_frac", t.ActivePrefillTokensFrac),
            body.TryGetProperty("mode", out var mode)
                ? (mode.ValueKind == JsonValueKind.String ? BusyThresholds.ParseMode(mode.GetString()!) : null)
                    ?? throw DynamoRequestException.BadRequest("'mode' must be \"reject\" or \"queue\".", "mode")
                : t.Mode);
        if (updated.Problem() is { } problem)
            throw DynamoRequestException.BadRequest(problem);
        model.Busy.Thresholds = updated;
        await context.Response.WriteAsJsonAsync(Entry(model));
    }

    private static Dictionary<string, object?> Entry(ServedModel model)
    {
        var t = model.Busy.Thresholds;
        return new()
        {
            ["model"] = model.Name,
            ["active_decode_blocks_threshold"] = t.ActiveDecodeBlocks,
            ["active_prefill_tokens_threshold"] = t.ActivePrefillTokens,
            ["active_prefill_tokens_threshold_frac"] = t.ActivePrefillTokensFrac,
            ["mode"] = t.Mode == BusyMode.Queue ? "queue" : "reject",
        };
    }

    /// <summary>The field's number; its current value when absent; null when sent as null.</summary>
    private static double? Number(JsonElement body, string name, double? current) =>
        !body.TryGetProperty(name, out var value) ? current
        : value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()) ? value.GetDouble()
        : throw DynamoRequestException.BadRequest($"'{name}' must be a number or null.", name);
}
