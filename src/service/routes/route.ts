import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ProfileService } from '../service';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path parameters (`:service` → params.service), URL-decoded. */
  params: Record<string, string>;
  app: ProfileService;
}

/**
 * One HTTP route. The schemas validate requests and also produce the OpenAPI document, so
 * documentation and behaviour share one source.
 */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path with `:name` parameters: /api/v1/regressions/:id */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body schema, or a description of a raw body's media types. */
  body?: z.ZodType | { raw: string[]; description: string };
  /** Media type and description of a successful response. */
  response: { status: number; type: string; description: string };
  /** True for routes that answer without a token (liveness checks). */
  public?: boolean;
  handle(ctx: RequestContext): Promise<void> | void;
}
