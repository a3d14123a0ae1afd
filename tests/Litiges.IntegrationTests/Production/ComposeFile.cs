using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Litiges.IntegrationTests.Production;

/// <summary>
/// docker-compose.yml as compose reads it: anchors and aliases resolved, <c>&lt;&lt;</c> merge keys
/// merged, and <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR:?message}</c>, <c>$$</c> interpolated.
/// </summary>
internal sealed partial class ComposeFile
{
    private readonly YamlMappingNode _root;

    private ComposeFile(string path, string text)
    {
        Path = path;
        Text = text;
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        _root = (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public string Path { get; }

    public string Text { get; }

    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(directory.FullName, "Portal.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"No Portal.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static ComposeFile Load()
    {
        var path = System.IO.Path.Combine(RepositoryRoot, "docker-compose.yml");
        return new ComposeFile(path, File.ReadAllText(path));
    }

    /// <summary>The variables that must be set (<c>${VAR:?…}</c>).</summary>
    public IReadOnlySet<string> RequiredVariables => Variable().Matches(Text).Where(m => m.Groups["op"].Value is ":?" or "?").Select(m => m.Groups["name"].Value).ToHashSet();

    public IReadOnlySet<string> AllVariables => Variable().Matches(Text).Select(m => m.Groups["name"].Value).ToHashSet();

    public IEnumerable<string> Services => Mapping(_root, "services").Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    public YamlMappingNode Service(string name) => Mapping(Mapping(_root, "services"), name);

    /// <summary>A service's environment, raw (before interpolation).</summary>
    public IReadOnlyDictionary<string, string> RawEnvironment(string service)
    {
        var node = Service(service).Children.TryGetValue(new YamlScalarNode("environment"), out var environment) ? environment : null;
        return node switch
        {
            YamlMappingNode map => Merged(map).ToDictionary(p => p.Key, p => ((YamlScalarNode)p.Value).Value ?? string.Empty),
            YamlSequenceNode list => list.Children.Select(c => ((YamlScalarNode)c).Value!.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty),
            _ => new Dictionary<string, string>(),
        };
    }

    /// <summary>A service's environment as compose passes it, with these variables set; a <c>:?</c> unset fails as compose would.</summary>
    public IReadOnlyDictionary<string, string> Environment(string service, IReadOnlyDictionary<string, string> variables) =>
        RawEnvironment(service).ToDictionary(p => p.Key, p => Interpolate(p.Value, variables));

    /// <summary>A value under a service: a scalar, or the scalars of a sequence joined by spaces.</summary>
    public YamlNode? Find(string service, params string[] path) => Walk(Service(service), path);

    /// <summary>A value from the top of the file (<c>secrets</c>, <c>volumes</c>…).</summary>
    public YamlNode? FindTop(params string[] path) => Walk(_root, path);

    private static YamlNode? Walk(YamlNode node, string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map)
            {
                return null;
            }

            var merged = Merged(map);
            if (!merged.TryGetValue(key, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    public static string Interpolate(string value, IReadOnlyDictionary<string, string> variables) =>
        Variable().Replace(value, match =>
        {
            if (match.Value == "$$")
            {
                return "$";
            }

            var name = match.Groups["name"].Value;
            var set = variables.TryGetValue(name, out var given) && (given.Length > 0 || !match.Groups["op"].Value.StartsWith(':'));
            return match.Groups["op"].Value switch
            {
                ":?" or "?" when !set => throw new InvalidOperationException($"compose would refuse to start: {name} is unset ({match.Groups["arg"].Value})"),
                ":-" or "-" when !set => match.Groups["arg"].Value,
                _ => set ? given! : string.Empty,
            };
        });

    private static Dictionary<string, YamlNode> Merged(YamlMappingNode map)
    {
        var result = new Dictionary<string, YamlNode>();
        foreach (var (key, value) in map.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (name == "<<" && value is YamlMappingNode merged)
            {
                foreach (var (k, v) in Merged(merged))
                {
                    result.TryAdd(k, v);
                }
            }
            else
            {
                result[name] = value;
            }
        }

        return result;
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:?[-?])(?<arg>[^}]*))?\}")]
    private static partial Regex Variable();
}
