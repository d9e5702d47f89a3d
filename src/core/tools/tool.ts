import { z } from 'zod';
import type { ToolContext } from './context';

/** What a tool may do: read freely; write or execute only after the user confirms. */
export type ToolEffect = 'read' | 'write' | 'execute';

export interface ToolOutput {
  /** What the model reads: plain text or markdown, bounded by the invoker. */
  text: string;
  /** Structured result for the UI and tests (numbers, edit proposals…). */
  data?: unknown;
}

/**
 * A typed capability. The zod schema is the single source of the TypeScript type, the
 * runtime validation and the JSON Schema given to OpenAI tools, VS Code LM tools and MCP.
 */
export interface Tool<S extends z.ZodObject = z.ZodObject> {
  /** snake_case, verb first. */
  name: string;
  /** For a model: what it does, what it returns, when to use it. */
  description: string;
  input: S;
  effect: ToolEffect;
  run(input: z.infer<S>, context: ToolContext): Promise<ToolOutput>;
}

export function defineTool<S extends z.ZodObject>(tool: Tool<S>): Tool<S> {
  if (!/^[a-z]+(_[a-z]+)+$/.test(tool.name)) throw new Error(`tool name "${tool.name}" must be snake_case, verb first`);
  return tool;
}

/** The JSON Schema of a tool's input (draft 2020-12, as OpenAI and MCP accept it). */
export function toolJsonSchema(tool: Tool): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/** An error a model can act on: what was wrong and what to do instead. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export interface ToolResult {
  ok: boolean;
  text: string;
  data?: unknown;
  /** True when `text` was cut to the output limit. */
  truncated: boolean;
}

/** Default bound on what one tool call returns to a model, in characters. */
export const DEFAULT_OUTPUT_LIMIT = 12_000;

/**
 * Validates raw arguments (as a model sends them), runs the tool and bounds its output.
 * Never throws for bad input or a failing tool: the result says what went wrong.
 */
export async function invokeTool(tool: Tool, rawArgs: unknown, context: ToolContext, limit = DEFAULT_OUTPUT_LIMIT): Promise<ToolResult> {
  let args: unknown = rawArgs;
  if (typeof rawArgs === 'string') {
    try {
      args = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    } catch (e) {
      return fail(`Arguments for ${tool.name} are not valid JSON (${(e as Error).message}). Send a JSON object matching the tool's schema.`);
    }
  }
  const parsed = tool.input.safeParse(args ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
    return fail(`Invalid arguments for ${tool.name}: ${issues}. Expected schema: ${JSON.stringify(toolJsonSchema(tool))}`);
  }
  if (tool.effect !== 'read') {
    const allowed = await context.confirm({ tool: tool.name, effect: tool.effect, input: parsed.data });
    if (!allowed) return fail(`The user declined to let ${tool.name} ${tool.effect === 'write' ? 'write' : 'run'}. Do not retry; explain what you would have done instead.`);
  }
  try {
    const out = await tool.run(parsed.data, context);
    return bound({ ok: true, text: out.text, data: out.data, truncated: false }, limit);
  } catch (e) {
    if (context.signal?.aborted) return fail('Cancelled.');
    const message = e instanceof Error ? e.message : String(e);
    return fail(e instanceof ToolError ? message : `${tool.name} failed: ${message}`);
  }
}

function fail(text: string): ToolResult {
  return { ok: false, text, truncated: false };
}

function bound(result: ToolResult, limit: number): ToolResult {
  if (result.text.length <= limit) return result;
  const cut = result.text.lastIndexOf('\n', limit);
  const kept = result.text.slice(0, cut > limit / 2 ? cut : limit);
  const omitted = result.text.length - kept.length;
  return {
    ...result,
    text: `${kept}\n[truncated: ${omitted} more characters; ask for a narrower range, a smaller "top"/"limit", or a more specific query to see the rest]`,
    truncated: true,
  };
}
