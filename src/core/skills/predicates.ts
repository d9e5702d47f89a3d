import type { Node, QueryPredicate, Tree } from 'web-tree-sitter';
import type { GrammarId } from './grammars';

/**
 * Custom query predicates: the precision a query alone cannot express, kept declarative so
 * that skills stay data. Each takes a capture (and sometimes a string) and is documented in
 * skills/README.md.
 */
export const customPredicates = {
  'inside-loop?': 'capture',
  'uses-loop-var?': 'capture',
  'not-uses-loop-var?': 'capture',
  'inside-function?': 'capture',
  'not-mutated-in-loop?': 'capture',
  'loop-condition-mentions?': 'capture',
  'loop-independent?': 'capture',
  'in-function-with-param?': 'capture+string',
  'binding-matches?': 'capture+string',
  'module-binding-matches?': 'capture+string',
  'no-member?': 'capture+string',
} as const;

/** Checks a predicate's shape at load time; returns the reason it is malformed, if it is. */
export function predicateProblem(p: QueryPredicate): string | undefined {
  const shape = (customPredicates as Record<string, string>)[p.operator];
  if (!shape) return `unknown predicate #${p.operator} (known: ${Object.keys(customPredicates).map((k) => `#${k}`).join(', ')})`;
  const [first, second, ...rest] = p.operands;
  if (first?.type !== 'capture') return `#${p.operator} needs a capture as its first argument`;
  if (shape === 'capture' && (second || rest.length)) return `#${p.operator} takes exactly one capture`;
  if (shape === 'capture+string') {
    if (second?.type !== 'string' || rest.length) return `#${p.operator} takes a capture and one string`;
    try {
      new RegExp(second.value);
    } catch {
      return `#${p.operator}: "${second.value}" is not a valid regular expression`;
    }
  }
  return undefined;
}

interface LoopRules {
  loops: Record<string, readonly string[]>;
  functions: ReadonlySet<string>;
  exits: ReadonlySet<string>;
  assignments: ReadonlySet<string>;
}

const jsRules: LoopRules = {
  // loop type → fields evaluated once, before iterating
  loops: { for_statement: ['initializer'], for_in_statement: ['left', 'right'], while_statement: [], do_statement: [] },
  functions: new Set([
    'function_declaration',
    'function_expression',
    'function',
    'arrow_function',
    'method_definition',
    'generator_function_declaration',
    'generator_function',
  ]),
  exits: new Set(['break_statement', 'return_statement', 'throw_statement']),
  assignments: new Set(['assignment_expression', 'augmented_assignment_expression']),
};

const rulesByGrammar: Record<GrammarId, LoopRules> = {
  javascript: jsRules,
  typescript: jsRules,
  tsx: jsRules,
  python: {
    loops: {
      for_statement: ['left', 'right', 'alternative'],
      while_statement: ['alternative'],
      list_comprehension: [],
      set_comprehension: [],
      dictionary_comprehension: [],
      generator_expression: [],
    },
    functions: new Set(['function_definition', 'lambda']),
    exits: new Set(['break_statement', 'return_statement', 'raise_statement']),
    assignments: new Set(['assignment', 'augmented_assignment']),
  },
  go: {
    loops: { for_statement: [] },
    functions: new Set(['function_declaration', 'method_declaration', 'func_literal']),
    exits: new Set(['break_statement', 'return_statement', 'goto_statement']),
    assignments: new Set(['assignment_statement']),
  },
  java: {
    loops: { for_statement: ['init'], enhanced_for_statement: ['value'], while_statement: [], do_statement: [] },
    functions: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']),
    exits: new Set(['break_statement', 'return_statement', 'throw_statement']),
    assignments: new Set(['assignment_expression']),
  },
};

const blockTypes = new Set(['statement_block', 'block']);
const switchTypes = new Set(['switch_statement', 'switch_case', 'switch_default', 'expression_switch_statement', 'type_switch_statement', 'switch_block_statement_group', 'switch_expression']);

/** Array methods whose callback runs once per element: the callback body is a loop body. */
const iterationMethods = new Set([
  'forEach',
  'map',
  'filter',
  'reduce',
  'reduceRight',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
]);

const declarationTypes: Partial<Record<GrammarId, Record<string, string>>> = {};
for (const g of ['javascript', 'typescript', 'tsx'] as const) {
  declarationTypes[g] = { variable_declarator: 'name', assignment_expression: 'left' };
}
declarationTypes.python = { assignment: 'left' };
declarationTypes.go = { short_var_declaration: 'left', var_spec: 'name', assignment_statement: 'left', parameter_declaration: 'name' };
declarationTypes.java = { variable_declarator: 'name', formal_parameter: 'name' };

function same(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}

function isIterationCallback(fn: Node, grammar: GrammarId): boolean {
  if (rulesByGrammar[grammar] !== jsRules) return false;
  const args = fn.parent;
  const call = args?.parent;
  if (args?.type !== 'arguments' || call?.type !== 'call_expression') return false;
  const callee = call.childForFieldName('function');
  const prop = callee?.type === 'member_expression' ? callee.childForFieldName('property') : null;
  return !!prop && iterationMethods.has(prop.text);
}

type ExitKind = 'none' | 'break' | 'return' | 'throw';

/** A construct that repeats the evaluation of some code: a loop or an iteration callback. */
interface Repeater {
  node: Node;
  kind: 'loop' | 'callback';
}

function identifiersIn(node: Node | null | undefined, out: Set<string>): void {
  if (!node) return;
  if (node.type === 'identifier' || node.type === 'shorthand_property_identifier_pattern') out.add(node.text);
  for (const d of node.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])) if (d) out.add(d.text);
}

interface Binding {
  start: number;
  text: string;
  moduleLevel: boolean;
  /** The function (or the whole file) the binding is visible in. */
  scopeStart: number;
  scopeEnd: number;
}

/** Per-file state shared by every predicate evaluation in one detector run. */
export class PredicateContext {
  private readonly rules: LoopRules;
  private readonly loopVarCache = new Map<number, Set<string>>();
  private bindings: Map<string, Binding[]> | undefined;

  constructor(
    readonly tree: Tree,
    readonly text: string,
    readonly grammar: GrammarId,
  ) {
    this.rules = rulesByGrammar[grammar];
  }

  evaluate(p: QueryPredicate, captures: Map<string, Node>): boolean {
    const first = p.operands[0];
    const node = first?.type === 'capture' ? captures.get(first.name) : undefined;
    if (!node) return false;
    const arg = p.operands[1]?.type === 'string' ? p.operands[1].value : '';
    switch (p.operator) {
      case 'inside-loop?':
        return this.repeaters(node, true).length > 0;
      case 'uses-loop-var?':
        return this.usesLoopVar(node);
      case 'not-uses-loop-var?':
        return this.repeaters(node, true).length > 0 && !this.usesLoopVar(node);
      case 'not-mutated-in-loop?':
        return this.notMutatedInLoop(node);
      case 'inside-function?':
        return this.enclosingFunctions(node).length > 0;
      case 'loop-condition-mentions?':
        return this.loopConditionMentions(node);
      case 'loop-independent?':
        return this.loopIndependent(node);
      case 'in-function-with-param?':
        return this.inFunctionWithParam(node, new RegExp(arg));
      case 'binding-matches?':
        return this.bindingMatches(node, new RegExp(arg), false);
      case 'module-binding-matches?':
        return this.bindingMatches(node, new RegExp(arg), true);
      case 'no-member?':
        return this.noMember(node, arg);
      default:
        return false;
    }
  }

  /** Loops and iteration callbacks around `node` that re-evaluate it, innermost first, up to the enclosing plain function. */
  repeaters(node: Node, firstOnly = false): Repeater[] {
    const out: Repeater[] = [];
    let child = node;
    let parent = node.parent;
    let skipNextGoLoop = false;
    // Code on a path that ends in throw/return/break runs at most once per loop run, so
    // that loop does not repeat it: `pending` is the exit seen on the way up, if any.
    const exit: { pending: ExitKind } = { pending: 'none' };
    const exitKind = (type: string): ExitKind => (/^(throw|raise)_statement$/.test(type) ? 'throw' : type === 'return_statement' ? 'return' : type === 'break_statement' ? 'break' : 'none');
    const note = (kind: ExitKind) => {
      if (kind === 'throw' || (kind === 'return' && exit.pending !== 'throw') || (kind === 'break' && exit.pending === 'none')) exit.pending = kind;
    };
    note(exitKind(node.type));
    while (parent) {
      const type = parent.type;
      note(exitKind(type));
      if (blockTypes.has(type)) for (const c of parent.namedChildren) if (c) note(exitKind(c.type));
      if (switchTypes.has(type) && exit.pending === 'break') exit.pending = 'none';
      if (this.rules.functions.has(type)) {
        if (!isIterationCallback(parent, this.grammar) || exit.pending === 'throw') break;
        // a return inside a callback only ends that element's call
        if (exit.pending === 'return') exit.pending = 'none';
        if (exit.pending === 'none') {
          out.push({ node: parent, kind: 'callback' });
          if (firstOnly) break;
        }
      } else if (type === 'range_clause' || (type === 'for_clause' && same(parent.childForFieldName('initializer'), child))) {
        skipNextGoLoop = true;
      } else if (type === 'for_in_clause' && same(parent.childForFieldName('right'), child) && parent.previousNamedSibling?.type !== 'for_in_clause') {
        // the iterable of a comprehension's first `for` is evaluated once
        child = parent;
        parent = parent.parent;
        if (parent) {
          child = parent;
          parent = parent.parent;
        }
        continue;
      } else if (type in this.rules.loops) {
        const once = this.rules.loops[type].some((f) => same(parent!.childForFieldName(f), child));
        if (skipNextGoLoop) skipNextGoLoop = false;
        else if (!once) {
          if (exit.pending === 'return' || exit.pending === 'throw') break;
          if (exit.pending === 'break') exit.pending = 'none';
          else {
            out.push({ node: parent, kind: 'loop' });
            if (firstOnly) break;
          }
        }
      }
      child = parent;
      parent = parent.parent;
    }
    return out;
  }

  private enclosingFunctions(node: Node): Node[] {
    const out: Node[] = [];
    for (let p = node.parent; p; p = p.parent) if (this.rules.functions.has(p.type)) out.push(p);
    return out;
  }

  /** Names that change per iteration: loop variables, callback parameters and names declared in the body. */
  private loopVars(r: Repeater): Set<string> {
    const cached = this.loopVarCache.get(r.node.id);
    if (cached) return cached;
    const vars = new Set<string>();
    const n = r.node;
    if (r.kind === 'callback') {
      identifiersIn(n.childForFieldName('parameters') ?? n.childForFieldName('parameter'), vars);
    } else {
      switch (n.type) {
        case 'for_in_statement':
          identifiersIn(n.childForFieldName('left'), vars);
          break;
        case 'for_statement': {
          const init = n.childForFieldName('initializer') ?? n.childForFieldName('init');
          if (init) for (const d of init.descendantsOfType(['variable_declarator', 'assignment_expression'])) identifiersIn(d?.childForFieldName('name') ?? d?.childForFieldName('left'), vars);
          identifiersIn(n.childForFieldName('left'), vars);
          for (const c of n.namedChildren) {
            if (c?.type === 'range_clause') identifiersIn(c.childForFieldName('left'), vars);
            if (c?.type === 'for_clause') identifiersIn(c.childForFieldName('initializer')?.childForFieldName('left'), vars);
          }
          break;
        }
        case 'enhanced_for_statement':
          identifiersIn(n.childForFieldName('name'), vars);
          break;
        default:
          for (const c of n.namedChildren) if (c?.type === 'for_in_clause') identifiersIn(c.childForFieldName('left'), vars);
      }
    }
    const body = n.childForFieldName('body') ?? n;
    const decl = declarationTypes[this.grammar] ?? {};
    for (const d of body.descendantsOfType(Object.keys(decl))) {
      if (!d || d.type.includes('assignment') || d.type === 'parameter_declaration' || d.type === 'formal_parameter') continue;
      identifiersIn(d.childForFieldName(decl[d.type]), vars);
    }
    if (this.grammar === 'python' || this.grammar === 'go') {
      // Python and Go declare by assigning: a name first assigned in the body is per-iteration
      for (const d of body.descendantsOfType(this.grammar === 'python' ? ['assignment'] : ['short_var_declaration'])) identifiersIn(d?.childForFieldName('left'), vars);
    }
    this.loopVarCache.set(n.id, vars);
    return vars;
  }

  private usesLoopVar(node: Node): boolean {
    const used = new Set<string>();
    identifiersIn(node, used);
    if (node.type === 'this' || used.size === 0) return false;
    for (const r of this.repeaters(node)) {
      const vars = this.loopVars(r);
      for (const u of used) if (vars.has(u)) return true;
    }
    return false;
  }

  /** No write to `node` (assignment to a member, delete, a mutating method) inside the innermost repeating construct. */
  private notMutatedInLoop(node: Node): boolean {
    const r = this.repeaters(node, true)[0];
    if (!r) return false;
    const body = r.node.childForFieldName('body') ?? r.node;
    const x = escapeRegExp(node.text);
    const writes = new RegExp(
      `(^|[^\\w$.])(${x}\\s*(\\[[^\\]]*\\]|\\.[\\w$]+)\\s*([-+*/|&]?=(?!=)|\\+\\+|--)|delete\\s+${x}\\s*[[.]|${x}\\s*\\.\\s*(push|pop|shift|unshift|splice|set|delete|clear|add|sort|reverse|fill|copyWithin)\\s*\\(|${x}\\s*=(?!=))`,
    );
    return !writes.test(body.text);
  }

  private loopConditionMentions(node: Node): boolean {
    const loop = this.repeaters(node).find((r) => r.kind === 'loop');
    const cond = loop?.node.childForFieldName('condition');
    if (!cond) return false;
    const re = new RegExp(`(^|[^\\w$.])${escapeRegExp(node.text)}(?![\\w$])`);
    return re.test(cond.text);
  }

  /** The innermost loop has no early exit and assigns no variable declared outside it. */
  private loopIndependent(node: Node): boolean {
    const loop = this.repeaters(node, true)[0];
    if (!loop || loop.kind !== 'loop') return false;
    const body = loop.node.childForFieldName('body');
    if (!body) return false;
    const local = this.loopVars(loop);
    let independent = true;
    const visit = (n: Node): void => {
      if (!independent) return;
      if (this.rules.functions.has(n.type)) return;
      if (this.rules.exits.has(n.type)) {
        independent = false;
        return;
      }
      if (this.rules.assignments.has(n.type)) {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier' && !local.has(left.text)) {
          independent = false;
          return;
        }
      }
      for (const c of n.namedChildren) if (c) visit(c);
    };
    visit(body);
    return independent;
  }

  private inFunctionWithParam(node: Node, re: RegExp): boolean {
    for (const fn of this.enclosingFunctions(node)) {
      const params = new Set<string>();
      identifiersIn(fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter'), params);
      for (const p of params) if (re.test(p)) return true;
    }
    return false;
  }

  /** The nearest declaration or assignment of the identifier before `node` matches `re` (and is outside every function when `moduleLevel`). */
  private bindingMatches(node: Node, re: RegExp, moduleLevel: boolean): boolean {
    const list = this.bindingIndex().get(node.text);
    if (!list?.length) return false;
    // bindings visible here: those whose scope (function or file) holds the use; the latest before it wins
    let best: Binding | undefined;
    for (const b of list) {
      if (b.scopeStart > node.startIndex || b.scopeEnd < node.endIndex) continue;
      if (!best || (b.start <= node.startIndex && (best.start > node.startIndex || b.start >= best.start))) best = b;
    }
    return !!best && (!moduleLevel || best.moduleLevel) && re.test(best.text);
  }

  private bindingIndex(): Map<string, Binding[]> {
    if (this.bindings) return this.bindings;
    const index = new Map<string, Binding[]>();
    const add = (name: string, at: Node, text: string, scope: Node | undefined) => {
      let list = index.get(name);
      if (!list) index.set(name, (list = []));
      list.push({
        start: at.startIndex,
        text: text.length > 400 ? text.slice(0, 400) : text,
        moduleLevel: !scope,
        scopeStart: scope ? scope.startIndex : 0,
        scopeEnd: scope ? scope.endIndex : Number.MAX_SAFE_INTEGER,
      });
    };
    const fields = declarationTypes[this.grammar] ?? {};
    for (const d of this.tree.rootNode.descendantsOfType(Object.keys(fields))) {
      // Go spells `+=` as an assignment_statement; only a plain `=` rebinds
      if (!d || (d.type === 'assignment_statement' && d.childForFieldName('operator')?.text !== '=')) continue;
      const nameNode = d.childForFieldName(fields[d.type]);
      const names = nameNode?.type === 'identifier' ? [nameNode] : nameNode?.type === 'expression_list' ? nameNode.namedChildren.filter((c) => c?.type === 'identifier') : [];
      // Java keeps the type on the declaration around the declarator
      const holder = d.type === 'variable_declarator' && d.parent?.type.endsWith('declaration') && this.grammar === 'java' ? d.parent : d;
      const scope = this.enclosingFunctions(d)[0];
      for (const n of names) if (n) add(n.text, d, holder.text, scope);
    }
    // parameters bind their names for the whole function: `names=None` or `names: list[str]`
    for (const fn of this.tree.rootNode.descendantsOfType([...this.rules.functions])) {
      const params = fn?.childForFieldName('parameters');
      if (!fn || !params) continue;
      for (const p of params.namedChildren) {
        if (!p || declarationTypes[this.grammar]?.[p.type]) continue;
        const name = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.childForFieldName('pattern') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
        if (name?.type === 'identifier') add(name.text, fn, p.text, fn);
      }
    }
    this.bindings = index;
    return index;
  }

  private noMember(node: Node, members: string): boolean {
    const re = new RegExp(`(^|[^\\w$.])${escapeRegExp(node.text)}\\s*\\??\\.\\s*(${members})\\b`);
    return !re.test(this.text);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
