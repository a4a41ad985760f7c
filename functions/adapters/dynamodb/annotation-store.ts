import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AnnotationStore } from '../../core/calendar/ports';
import type { Annotation, AnnotationKind } from '../../core/calendar/types';
import { translateDynamoDbError } from './errors';
import { queryAll } from './query-items';

/** Annotation items of the Analytics table: `pk = annotation`, `sk = <from>#<id>` (oldest start first). */
export const ANNOTATION_PK = 'annotation';

/**
 * Annotations are kept without expiry: a `new_normal` keeps shaping baselines long after it was
 * recorded, and an old incident still explains an old proof.
 */
export class DynamoDbAnnotationStore implements AnnotationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(annotation: Annotation): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ANNOTATION_PK, sk: `${annotation.from}#${annotation.id}`, ...annotation },
          // Ids are fresh ULIDs: a collision is a bug, never an overwrite.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw translateDynamoDbError(error, `recording annotation ${annotation.id}`);
    }
  }

  async list(from: string, to: string): Promise<Annotation[]> {
    // Starts are ordered, ends are not: read every annotation starting by `to`, keep those ending on or after `from`.
    return (await this.startingUntil(to, `listing annotations ${from}..${to}`)).filter((annotation) => annotation.to >= from);
  }

  async newNormalsUntil(day: string): Promise<Annotation[]> {
    return (await this.startingUntil(day, `listing new normals until ${day}`)).filter((annotation) => annotation.kind === 'new_normal');
  }

  private startingUntil(day: string, what: string): Promise<Annotation[]> {
    return queryAll(
      this.client,
      {
        TableName: this.tableName,
        // `#` sorts before every id character: `<day>#\uffff` is past every annotation starting that day.
        KeyConditionExpression: 'pk = :pk AND sk <= :until',
        ExpressionAttributeValues: { ':pk': ANNOTATION_PK, ':until': `${day}#\uffff` },
        ConsistentRead: true,
      },
      what,
      annotationOf,
    );
  }
}

function annotationOf(item: Record<string, unknown>): Annotation {
  return {
    id: String(item['id']),
    kind: item['kind'] as AnnotationKind,
    from: String(item['from']),
    to: String(item['to']),
    metrics: Array.isArray(item['metrics']) ? (item['metrics'] as unknown[]).map(String) : [],
    note: String(item['note']),
    createdBy: String(item['createdBy']),
    createdAt: String(item['createdAt']),
  };
}
