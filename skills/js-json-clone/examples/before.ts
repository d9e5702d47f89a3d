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
  const next: State = JSON.parse(JSON.stringify(state)); // hotpath-expect
  for (const todo of next.todos) {
    if (todo.id === id) todo.done = !todo.done;
  }
  return next;
}

export function withDefaults<T extends object>(defaults: T, overrides: Partial<T>): T {
  return Object.assign(JSON.parse(JSON.stringify(defaults)), overrides); // hotpath-expect
}
