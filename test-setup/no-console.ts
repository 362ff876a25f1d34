// Tests must not print: a console call is a forgotten debug line or a swallowed error.
for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
  console[method] = (...args: unknown[]) => {
    throw new Error(`console.${method} called in a test: ${args.map(String).join(' ').slice(0, 200)}`);
  };
}
