/**
 * The one-line "what Hotpath is doing" shown while a tool runs (VS Code's tool invocation
 * message, the participant's progress line). Pure, so it is unit-tested without VS Code.
 */

const str = (input: unknown, key: string): string | undefined => {
  const value = input && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
};

const clip = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** e.g. "Reading hot functions of app.cpuprofile…", "Reading src/report.js:10…". */
export function invocationMessage(tool: string, input: unknown, profileName?: string): string {
  const of = (profile?: string) => (profile ?? profileName ? ` of ${clip(profile ?? profileName!)}` : '');
  const profile = str(input, 'profile');
  switch (tool) {
    case 'list_profiles':
      return 'Listing the loaded profiles…';
    case 'load_profile':
      return `Loading profile ${clip(str(input, 'path') ?? '')}…`;
    case 'get_hotspots':
      return `Reading hot functions${of(profile)}…`;
    case 'get_hot_lines':
      return `Reading hot lines of ${clip(str(input, 'file') ?? 'a file')}…`;
    case 'get_call_paths':
      return `Finding the call paths to ${clip(str(input, 'function') ?? 'a function')}…`;
    case 'get_callers_callees':
      return `Reading callers and callees of ${clip(str(input, 'function') ?? 'a function')}…`;
    case 'compare_profiles':
      return 'Comparing two profiles…';
    case 'read_file': {
      const file = str(input, 'path') ?? 'a file';
      const line = (input as { startLine?: unknown } | undefined)?.startLine;
      return `Reading ${clip(file)}${typeof line === 'number' && line > 1 ? `:${line}` : ''}…`;
    }
    case 'search_text':
      return `Searching the workspace for “${clip(str(input, 'query') ?? '', 40)}”…`;
    case 'find_symbol':
      return `Finding the definition of ${clip(str(input, 'name') ?? 'a symbol')}…`;
    case 'find_references':
      return `Finding references to ${clip(str(input, 'name') ?? 'a symbol')}…`;
    case 'git_log':
      return 'Reading the git history…';
    case 'git_blame':
      return `Reading who changed ${clip(str(input, 'path') ?? 'a file')}…`;
    case 'git_diff':
      return 'Reading a git diff…';
    case 'git_show_commit':
      return `Reading commit ${clip(str(input, 'commit') ?? '', 12)}…`;
    case 'list_skills':
      return 'Listing the performance skills…';
    case 'read_skill':
      return `Reading the skill ${clip(str(input, 'name') ?? '')}…`;
    case 'run_skill_detectors':
      return 'Running the skill detectors on the code…';
    case 'propose_edit':
      return `Proposing an edit to ${clip(str(input, 'file') ?? 'a file')}…`;
    case 'run_benchmark':
      return 'Running the benchmark…';
    default:
      return `Running ${tool.replace(/_/g, ' ')}…`;
  }
}
