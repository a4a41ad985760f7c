/**
 * A handler built on its first call and kept for the container's life: importing a handler
 * module has no side effects (tests, the bundler's checks), and a Lambda container builds its
 * clients once.
 */
export function builtOnFirstCall<A extends unknown[], R>(build: () => (...args: A) => R): (...args: A) => R {
  let built: ((...args: A) => R) | undefined;
  return (...args) => {
    built ??= build();
    return built(...args);
  };
}

/** A value made on first use and kept. */
export function madeOnFirstUse<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
