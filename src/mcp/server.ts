import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { allTools, invokeTool, toolJsonSchema, type Tool, type ToolContext } from '../core/tools/index';

export interface McpServerOptions {
  /** Lets tools whose effect is `write` or `execute` run; refused otherwise. */
  allowExecute?: boolean;
  /** The tools to expose; all of them by default. */
  tools?: readonly Tool[];
  /** Version reported to clients in the initialize handshake. */
  version?: string;
  /** Diagnostics (never stdout: on stdio that is the protocol channel). */
  log?: (message: string) => void;
}

/** The MCP view of one tool: the same name, description and JSON Schema as every other host. */
function mcpToolDefinition(tool: Tool): McpTool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: toolJsonSchema(tool) as McpTool['inputSchema'],
    annotations: {
      readOnlyHint: tool.effect === 'read',
      destructiveHint: tool.effect === 'write',
      // tools see the workspace, its git history and the loaded profiles, nothing beyond
      openWorldHint: false,
    },
  };
}

/** Beyond this, structured results are left out: the bounded text already carries the answer. */
const STRUCTURED_LIMIT = 200_000;

/**
 * The tool's data as the wire carries it (JSON), wrapped when it is not an object since
 * structuredContent must be one; undefined when absent or too large.
 */
function structured(data: unknown): Record<string, unknown> | undefined {
  if (data === undefined) return undefined;
  const json = JSON.stringify(data !== null && typeof data === 'object' && !Array.isArray(data) ? data : { result: data });
  return json.length <= STRUCTURED_LIMIT ? (JSON.parse(json) as Record<string, unknown>) : undefined;
}

/**
 * An MCP server exposing Hotpath's tools over `context`. The caller connects it to a
 * transport (stdio for `hotpath mcp`, in-memory in tests).
 */
export function createMcpServer(context: ToolContext, options: McpServerOptions = {}): Server {
  const tools = options.tools ?? allTools;
  const allowExecute = options.allowExecute === true;
  const server = new Server(
    { name: 'hotpath', version: options.version ?? '0.0.0' },
    {
      capabilities: { tools: {} },
      instructions:
        'Hotpath answers "why is this hot?" from CPU profiles and the code. Start with list_profiles (or load_profile), then get_hotspots, get_hot_lines and get_call_paths; read the code with read_file and find_symbol; match the pattern with list_skills/read_skill/run_skill_detectors; propose_edit returns a diff without writing.',
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: tools.map(mcpToolDefinition) }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = tools.find((t) => t.name === request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name}"; available: ${tools.map((t) => t.name).join(', ')}.`);
    if (tool.effect !== 'read' && !allowExecute) {
      const what = tool.effect === 'write' ? 'writes files' : 'executes commands';
      options.log?.(`refused ${tool.name}: it ${what} and the server runs without --allow-execute`);
      return {
        content: [{ type: 'text', text: `${tool.name} ${what}, which this Hotpath MCP server refuses by default. Do not retry; tell the user to restart it as \`hotpath mcp --allow-execute\` to allow tools that write or execute, or explain what you would have done instead.` }],
        isError: true,
      };
    }
    // The refusal above is the confirmation policy; the client's own UI confirms each call.
    const callContext: ToolContext = { ...context, signal: extra.signal, confirm: async () => allowExecute };
    const result = await invokeTool(tool, request.params.arguments ?? {}, callContext);
    if (!result.ok) options.log?.(`${tool.name} failed: ${result.text.split('\n')[0]}`);
    const structuredContent = result.ok ? structured(result.data) : undefined;
    return {
      content: [{ type: 'text', text: result.text }],
      ...(structuredContent ? { structuredContent } : {}),
      ...(result.ok ? {} : { isError: true }),
    };
  });

  return server;
}
