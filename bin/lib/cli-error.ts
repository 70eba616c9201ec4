/**
 * A mistake in how the command was called (a bad flag value, a missing folder): printed as one line with
 * what to do, exit status 2. Any other error is printed as one line too, with exit status 1.
 */
export class CliError extends Error {
  override name = 'CliError';
}

/** The first line of an error's message (env checker and similar errors add detail lines after it). */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}
