namespace Notices.Templates;

/// <summary>A handle on this assembly for the renderer and for tests.</summary>
public static class TemplatesAssembly;
