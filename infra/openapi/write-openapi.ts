import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocument } from '../../functions/api/openapi';

/** `npm run openapi`: writes the API's OpenAPI document to docs/openapi.json (a test keeps the two equal). */
export const OPENAPI_FILE = resolve(import.meta.dirname, '../../docs/openapi.json');

export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
