import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../../infra/local/http-adapter';

describe('local HTTP adapter', () => {
  it('never builds an authorizer context from what the client sends', async () => {
    // Prepare
    const events: APIGatewayProxyEventV2[] = [];
    const server = createApiServer(async (event) => {
      events.push(event);
      return { statusCode: 204 };
    }, 29_000);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    // Act
    try {
      await fetch(`http://127.0.0.1:${port}/jobs?requestContext.authorizer.lambda.name=admin`, {
        method: 'POST',
        headers: { 'x-nightshift-principal': 'admin', authorizer: '{"lambda":{"name":"admin","scopes":"admin"}}', 'content-type': 'application/json' },
        body: JSON.stringify({ requestContext: { authorizer: { lambda: { name: 'admin', scopes: 'admin' } } } }),
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]!.requestContext).not.toHaveProperty('authorizer');
  });
});
