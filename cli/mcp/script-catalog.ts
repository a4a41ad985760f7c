import type { NightshiftClient } from '../../functions/client/api-client';
import type { ScriptList } from '../../functions/client/types';
import { errorText } from './tool';

/**
 * The script whitelist (`GET /scripts`), read once when the server starts: run_script's input
 * schema is built from it. Reading it must not hold up the MCP handshake, and an API that is down
 * or a token that is refused must not stop the server (every other tool would still answer with
 * the API's message), so the read runs in the background and tools/list waits for it only so long.
 */
export class ScriptCatalog {
  private list: ScriptList | undefined;
  private readonly loaded: Promise<ScriptList | undefined>;

  constructor(
    private readonly client: NightshiftClient,
    log: (text: string) => void,
    hasToken: boolean,
  ) {
    this.loaded = client.listScripts().then(
      (list) => (this.list = list),
      (error: unknown) => {
        log(`nightshift mcp: could not read the script whitelist (${errorText(error, hasToken)}); run_script takes any name and checks it when called`);
        return undefined;
      },
    );
  }

  /** The list read at startup, waiting at most `waitMs` for it; undefined if it is not there (yet). */
  async atStartup(waitMs: number): Promise<ScriptList | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), waitMs)));
    try {
      return await Promise.race([this.loaded, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the startup read has ended either way, with the list if it got one. */
  settled(): Promise<ScriptList | undefined> {
    return this.loaded;
  }

  /** For a call: the startup list, or a fresh read when startup could not get one (its error is the call's). */
  async forCall(): Promise<ScriptList> {
    return this.list ?? (this.list = await this.client.listScripts());
  }
}
