/**
 * The chat participant, the language-model tools and the MCP server definition degrade
 * silently on hosts without those APIs (other editors, older VS Code, code-server builds): they
 * register nothing and throw nothing. The real VS Code host of the test run has some of the
 * APIs, so the absent cases are checked here, against a stand-in `vscode` module shaped like
 * such a host.
 */
import * as assert from 'node:assert/strict';
import Module from 'node:module';

type Host = Record<string, unknown>;
let host: Host = {};
const moduleInternals = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const load = moduleInternals._load;

/** A host with the basics every extension API has, plus `extra`. */
function hostWith(extra: Host): Host {
  class EventEmitter {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  }
  class Disposable {
    constructor(private readonly f: () => void) {}
    dispose() {
      this.f();
    }
  }
  return { EventEmitter, Disposable, workspace: { workspaceFolders: [] }, ...extra };
}

function context() {
  return { subscriptions: [] as unknown[], extensionPath: '/ext', extension: { packageJSON: { version: '0.1.0' } } };
}

const log = { info() {}, warn() {}, error() {}, debug() {}, trace() {} };
const contexts = { forActiveProfile: async () => undefined };

// Every name a host may have, listed so the compiled `import * as vscode` binds each one; the
// bindings read `host` when used, so each test sets the host it means.
const NAMES = ['EventEmitter', 'Disposable', 'workspace', 'chat', 'lm', 'McpStdioServerDefinition', 'LanguageModelTextPart', 'LanguageModelToolResult', 'MarkdownString', 'Uri'];
const standIn = new Proxy(
  {},
  {
    get: (_, key) => host[key as string],
    has: (_, key) => key in host,
    ownKeys: () => NAMES,
    getOwnPropertyDescriptor: (_, key) => ({ configurable: true, enumerable: true, value: host[key as string] }),
  },
);

describe('extension on hosts without the chat, language-model or MCP APIs', () => {
  before(() => {
    moduleInternals._load = function (request, parent, isMain) {
      if (request === 'vscode') return standIn;
      return load.call(this, request, parent, isMain);
    };
  });
  after(() => {
    moduleInternals._load = load;
  });

  // Required after the stand-in is in place; each module reads `vscode` when its function runs.
  const modules = () => ({
    participant: require('../../../src/extension/participant/participant') as typeof import('../../../src/extension/participant/participant'),
    lmTools: require('../../../src/extension/lmtools/lmTools') as typeof import('../../../src/extension/lmtools/lmTools'),
    mcp: require('../../../src/extension/mcp/mcp') as typeof import('../../../src/extension/mcp/mcp'),
  });

  it('registers nothing and throws nothing when vscode.chat and vscode.lm are missing', () => {
    host = hostWith({});
    const { participant, lmTools, mcp } = modules();
    const ctx = context();
    participant.registerChatParticipant(ctx as never, contexts as never, log as never);
    lmTools.registerLanguageModelTools(ctx as never, contexts as never);
    assert.equal(mcp.registerMcpServer(ctx as never), false);
    assert.deepEqual(ctx.subscriptions, []);
  });

  it('registers nothing when the APIs exist only in part, or reject the registration (VS Code 1.100’s proposed MCP API)', () => {
    const calls: string[] = [];
    host = hostWith({
      chat: {},
      lm: {
        registerMcpServerDefinitionProvider: () => {
          calls.push('mcp');
          throw new Error('Extension is not allowed to use the proposed API');
        },
      },
      McpStdioServerDefinition: class {},
    });
    const { participant, lmTools, mcp } = modules();
    const ctx = context();
    participant.registerChatParticipant(ctx as never, contexts as never, log as never);
    lmTools.registerLanguageModelTools(ctx as never, contexts as never);
    assert.equal(mcp.registerMcpServer(ctx as never), false);
    assert.deepEqual(calls, ['mcp'], 'the MCP registration was tried and its rejection kept inside');
    assert.deepEqual(ctx.subscriptions, []);
  });

  it('registers each read-only tool where vscode.lm.registerTool exists', () => {
    const names: string[] = [];
    host = hostWith({ lm: { registerTool: (name: string) => (names.push(name), { dispose() {} }) } });
    const ctx = context();
    modules().lmTools.registerLanguageModelTools(ctx as never, contexts as never);
    assert.ok(names.length >= 5 && names.every((n) => n.startsWith('hotpath_')), names.join(', '));
    assert.equal(ctx.subscriptions.length, names.length);
  });
});
