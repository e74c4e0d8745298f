// Read-modify-write transactions run a caller's `change` callback between the row's SELECT ...
// FOR UPDATE and its UPDATE; an error it throws must roll the transaction back and reach the
// caller untouched (not be mapped as a database failure).

/** Wraps an error thrown by the caller's `change`, so it is rethrown untouched. */
export class ChangeFailed {
  constructor(readonly error: unknown) {}
}

/** Runs `change`, wrapping what it throws in ChangeFailed. */
export function runChange<T, R>(change: (current: T) => R, current: T): R {
  try {
    return change(current);
  } catch (error) {
    throw new ChangeFailed(error);
  }
}
