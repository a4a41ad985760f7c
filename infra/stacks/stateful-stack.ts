import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { analyticsTable, jobsTable, type KeyAttribute, type TableDefinition } from '../../functions/adapters/dynamodb/tables';
import type { NightshiftConfig } from '../../functions/core/config';

export type DataRemoval = 'retain' | 'destroy';

export interface NightshiftStatefulStackProps extends StackProps {
  config: NightshiftConfig;
  /**
   * `retain` (production): tables keep deletion protection and, like the bucket, outlive the
   * stack. `destroy` (a throwaway dev or CI stack): deleting the stack deletes the tables and an
   * empty bucket. @default 'retain'
   */
  dataRemoval?: DataRemoval;
}

/**
 * What holds data: the tables and the artifacts bucket. It lives apart from the functions so a
 * stateless deploy (or even deleting that stack) can never replace or drop a table; by default
 * everything here is retained and the tables refuse deletion.
 */
export class NightshiftStatefulStack extends Stack {
  readonly jobsTable: ITable;
  readonly analyticsTable: ITable;
  readonly artifactsBucket: IBucket;

  constructor(scope: Construct, id: string, props: NightshiftStatefulStackProps) {
    super(scope, id, props);
    const retain = (props.dataRemoval ?? 'retain') === 'retain';
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.jobsTable = createTable(this, jobsTable, retain);
    this.analyticsTable = createTable(this, analyticsTable, retain);
    this.artifactsBucket = new Bucket(this, 'Artifacts', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // Artifacts are written once under unique keys; versions would only keep expired data alive.
      versioned: false,
      lifecycleRules: artifactLifecycleRules(props.config.retention),
      // Even with `destroy`, CloudFormation deletes the bucket only when it is empty: artifacts
      // are never deleted by a stack operation.
      removalPolicy,
    });
    Validations.of(this.artifactsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only Nightshift functions write here, each recorded per run in the Jobs table and its logs; access logs would need a second bucket; enable CloudTrail S3 data events for an audit trail.',
    });
  }
}

/** Built from the shared definition, so the local cloud's tables cannot drift from these. */
function createTable(scope: Construct, definition: TableDefinition, retain: boolean): Table {
  const table = new Table(scope, definition.id, {
    partitionKey: keyAttribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: keyAttribute(definition.sortKey) } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: definition.ttlAttribute,
    deletionProtection: retain,
    removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  for (const index of definition.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: keyAttribute(index.partitionKey),
      sortKey: keyAttribute(index.sortKey),
      // Listing pages show whole records; ALL saves a second read per item.
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
}

function keyAttribute(attribute: KeyAttribute): { name: string; type: AttributeType } {
  return { name: attribute.name, type: attribute.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}

/** The bucket's prefixes and how long each keeps its objects; DESIGN.md section 4 names them. */
export function artifactPrefixRetention(retention: NightshiftConfig['retention']): ReadonlyArray<{ prefix: string; days: number }> {
  return [
    { prefix: 'snapshots/daily/', days: retention.dailySnapshotsDays },
    { prefix: 'snapshots/weekly/', days: retention.weeklySnapshotsDays },
    { prefix: 'snapshots/monthly/', days: retention.monthlySnapshotsDays },
    { prefix: 'sampling-proofs/', days: retention.proofsDays },
    { prefix: 'exports/', days: retention.exportsDays },
    { prefix: 'logs/', days: retention.logsDays },
    // Script runs' stdout/stderr and output files: logs.
    { prefix: 'scripts/', days: retention.logsDays },
    { prefix: 'events/', days: retention.rawEventsDays },
    // Other artifacts of a run (runs/<type>/<job id>/…) live as long as its record.
    { prefix: 'runs/', days: retention.jobsDays },
    // Held outputs wait for release as long as their run's record does.
    { prefix: 'quarantine/', days: retention.jobsDays },
  ];
}

function artifactLifecycleRules(retention: NightshiftConfig['retention']): LifecycleRule[] {
  return [
    ...artifactPrefixRetention(retention).map(({ prefix, days }) => ({
      id: `expire-${prefix.replace(/\/$/, '').replace(/\//g, '-')}`,
      prefix,
      expiration: Duration.days(days),
    })),
    // Streamed exports and ingest uploads that die halfway leave invisible, billed parts.
    { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
  ];
}
