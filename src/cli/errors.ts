// The CLI's two kinds of failure, each printed as one line on stderr: a usage error (exit 2:
// unknown command or flag, a missing or malformed argument) and everything else the command
// could not do (exit 1: the API refused, the network failed, a bad input line).

/** A mistake on the command line: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An API answer other than success: `<status> <the server's error text>`, exit code 1. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status} ${detail}`);
  }
}

/** Any other failure the command reports (network, files, input): exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** The connection failed (refused, reset, silent): worth trying again later. */
export class NetworkError extends CliError {
  override name = 'NetworkError';
}

/** The one line printed for `e`, without the program name. */
export function describeError(e: unknown): string {
  if (e instanceof UsageError || e instanceof ApiCallError || e instanceof CliError) return e.message;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (e instanceof Error)
    return typeof code === 'string' && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  return String(e);
}

export function exitCodeOf(e: unknown): number {
  return e instanceof UsageError ? 2 : 1;
}
