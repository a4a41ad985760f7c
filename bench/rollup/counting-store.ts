import type { ArtifactBody, ArtifactStore, StoredObject } from '../../functions/core/jobs/ports';

/** An ArtifactStore that counts the bytes read through it: raw events apart from everything else. */
export class CountingArtifactStore implements ArtifactStore {
  eventBytesRead = 0;
  otherBytesRead = 0;
  objectsRead = 0;

  constructor(private readonly inner: ArtifactStore) {}

  put(key: string, body: ArtifactBody, contentType: string): Promise<{ key: string; size: number }> {
    return this.inner.put(key, body, contentType);
  }

  async get(key: string): Promise<AsyncIterable<Uint8Array>> {
    const body = await this.inner.get(key);
    this.objectsRead++;
    return this.counted(key.startsWith('events/'), body);
  }

  async getText(key: string): Promise<string> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of await this.get(key)) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  }

  list(prefix: string, startAfter?: string): AsyncIterable<StoredObject> {
    return this.inner.list(prefix, startAfter);
  }

  presignGet(key: string, expiresInSeconds: number): Promise<string> {
    return this.inner.presignGet(key, expiresInSeconds);
  }

  private async *counted(isEvents: boolean, body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      if (isEvents) this.eventBytesRead += chunk.byteLength;
      else this.otherBytesRead += chunk.byteLength;
      yield chunk;
    }
  }
}
