import type { $ZodError } from 'zod/v4/core';

export interface IssueNaming {
  /** Put before every path (`params` → `params.from`), and the name of the whole value. */
  prefix?: string;
  /** Without a prefix: the name of the whole value, for an issue at the root (`event`). */
  whole?: string;
  /** Unknown keys as `<prefix>: unknown field(s) a, b` rather than zod's sentence. */
  listUnknownKeys?: boolean;
}

/** Every problem of a failed parse (zod's full build or its mini one), each named by where it is (`params.from: Invalid input`). */
export function zodProblems(error: $ZodError, naming: IssueNaming = {}): string[] {
  const { prefix, whole = '' } = naming;
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (naming.listUnknownKeys && issue.code === 'unrecognized_keys') return `${prefix ?? whole}: unknown field(s) ${issue.keys.join(', ')}`;
    const where = prefix === undefined ? path || whole : path ? `${prefix}.${path}` : prefix;
    return `${where}: ${issue.message}`;
  });
}

/** The problems of a failed parse in one line, `; ` between them. */
export function zodMessage(error: $ZodError, naming: IssueNaming = {}): string {
  return zodProblems(error, naming).join('; ');
}
