interface Todo {
  id: string;
  title: string;
  done: boolean;
}

interface State {
  todos: Todo[];
  filter: 'all' | 'open' | 'done';
}

export function toggle(state: State, id: string): State {
  return { ...state, todos: state.todos.map((t) => (t.id === id ? { ...t, done: !t.done } : t)) };
}

export function withDefaults<T extends object>(defaults: T, overrides: Partial<T>): T {
  return Object.assign(structuredClone(defaults), overrides);
}

/** Normalises a payload to what the wire carries; the reviver makes the round trip intentional. */
export function toWire(payload: unknown): unknown {
  return JSON.parse(JSON.stringify(payload), (key, value) => (key === 'password' ? undefined : value));
}
