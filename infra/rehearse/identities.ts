import { randomBytes } from 'node:crypto';

/** Who signs a request: a function's sandbox (its role session), or the operator at a terminal. */
export interface Identity {
  kind: 'function' | 'operator';
  /** The function's name, or `operator`. */
  name: string;
  /** The ARN IAM evaluates: the role session (`arn:aws:sts::…:assumed-role/<role>/<function>`). */
  principalArn: string;
  /** The role whose policies apply; absent for the operator (an administrator). */
  roleArn?: string;
  /** The sandbox that holds these credentials (each execution environment gets its own). */
  sandboxId?: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * Issues credentials the way Lambda hands each execution environment its role's session keys,
 * and tells the endpoint whose a key is. A sandbox's keys die with it.
 */
export class IdentityRegistry {
  private readonly byAccessKey = new Map<string, { identity: Identity; credentials: Credentials }>();

  constructor(readonly account: string) {}

  issue(identity: Identity): Credentials {
    const credentials: Credentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(20).toString('base64'),
      sessionToken: randomBytes(32).toString('base64'),
    };
    this.byAccessKey.set(credentials.accessKeyId, { identity, credentials });
    return credentials;
  }

  revoke(accessKeyId: string): void {
    this.byAccessKey.delete(accessKeyId);
  }

  lookup(accessKeyId: string): { identity: Identity; credentials: Credentials } | undefined {
    return this.byAccessKey.get(accessKeyId);
  }

  /** The role session ARN Lambda's sandboxes act as. */
  sessionArn(roleArn: string, sessionName: string): string {
    const roleName = roleArn.split('/').pop() ?? roleArn;
    return `arn:aws:sts::${this.account}:assumed-role/${roleName}/${sessionName}`;
  }
}
