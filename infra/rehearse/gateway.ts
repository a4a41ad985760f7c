import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IamAuthority } from './iam';
import type { IdentityRegistry } from './identities';
import type { AwsService, ServiceResponse } from './aws/service';
import { parseSignature, SignatureError, verifySignature, type SignedRequest } from './sigv4';

export interface CallRecord {
  caller: string;
  service: string;
  status: number;
  at: number;
}

/** A rule that stops answering a sandbox's calls from the first one that matches (a hung dependency). */
export interface HoldRule {
  functionName: string;
  matches: (service: string, request: SignedRequest) => boolean;
  /** Set when the rule caught a call: the sandbox it froze. */
  heldSandbox?: string;
}

/**
 * The rehearsal's AWS endpoint (every sandbox's AWS_ENDPOINT_URL). Each request is checked as
 * AWS checks it: the SigV4 signature with the caller's secret (so the keys say which function
 * and which sandbox is calling), the session token, a presigned link's expiry on the rehearsal
 * clock; then the service decides the IAM actions, asks the IamAuthority, and forwards.
 */
export class AwsEndpoint {
  readonly calls: CallRecord[] = [];
  readonly holds: HoldRule[] = [];
  /** Answers a service gives a caller instead of serving it, until a rehearsal time (throttling, an outage). */
  readonly faults: Array<{ caller: string; service: string; until: number; response: ServiceResponse }> = [];
  private server: Server | undefined;
  private readonly services = new Map<string, AwsService>();
  private readonly parked = new Set<ServerResponse>();

  /** Set once the deployment (whose queue URLs name this endpoint) is known. */
  iam: IamAuthority | undefined;

  constructor(
    private readonly identities: IdentityRegistry,
    private readonly now: () => number,
    private readonly onHold: (sandboxId: string) => void,
  ) {}

  register(service: AwsService): void {
    this.services.set(service.signingName, service);
  }

  async listen(port: number): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const response of this.parked) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private requireIam(): IamAuthority {
    if (!this.iam) throw new Error('the endpoint has no IAM authority yet');
    return this.iam;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: SignedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
    let answer: ServiceResponse;
    let caller = 'unknown';
    let serviceName = 'unknown';
    try {
      const signature = parseSignature(request);
      serviceName = signature.service;
      const known = this.identities.lookup(signature.accessKeyId);
      if (!known) throw new SignatureError('AccessDenied', `The security token included in the request is invalid (unknown key ${signature.accessKeyId})`);
      caller = known.identity.name;
      if (signature.securityToken !== known.credentials.sessionToken) throw new SignatureError('AccessDenied', 'The security token included in the request is invalid');
      verifySignature(request, signature, known.credentials.secretAccessKey);
      if (signature.expiresAt !== undefined && signature.expiresAt < this.now()) throw new SignatureError('AccessDenied', 'Request has expired');
      const hold = this.holds.find((rule) => rule.functionName === known.identity.name && (rule.heldSandbox === known.identity.sandboxId || (!rule.heldSandbox && rule.matches(signature.service, request))));
      if (hold && known.identity.sandboxId) {
        hold.heldSandbox = known.identity.sandboxId;
        this.onHold(known.identity.sandboxId);
        this.parked.add(res);
        res.once('close', () => this.parked.delete(res));
        return; // never answered: the sandbox waits until Lambda ends it
      }
      const service = this.services.get(signature.service);
      const fault = this.faults.find((candidate) => candidate.caller === known.identity.name && candidate.service === signature.service && candidate.until > this.now());
      if (fault) {
        answer = fault.response;
      } else if (!service) {
        answer = { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `service ${signature.service} is not part of the rehearsal` }) };
      } else {
        const url = new URL(request.url, 'http://endpoint');
        answer = await service.handle({
          method: request.method,
          url,
          rawPath: request.url.split('?')[0] ?? '/',
          headers: request.headers,
          body: request.body,
          identity: known.identity,
          authorize: (action, resource, context) => this.requireIam().authorize({ kind: 'identity', identity: known.identity }, action, resource, context),
        });
      }
    } catch (error) {
      answer = signatureFailure(error);
    }
    this.calls.push({ caller, service: serviceName, status: answer.status, at: this.now() });
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.body ?? '');
  }
}

function signatureFailure(error: unknown): ServiceResponse {
  if (error instanceof SignatureError) {
    return { status: 403, headers: { 'content-type': 'application/xml', 'x-amzn-errortype': error.code }, body: `<Error><Code>${error.code}</Code><Message>${error.message}</Message></Error>` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' }, body: JSON.stringify({ message: `rehearsal endpoint failure: ${message}` }) };
}
