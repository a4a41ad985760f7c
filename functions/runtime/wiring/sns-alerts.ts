import { proofAlerter } from '../../adapters/alerts/proof-alerter';
import type { AwsAdapters } from './aws-adapters';

/** Proof alerts logged, and published to the alert topic where the stack sets one. */
export const snsAlerts: Required<AwsAdapters>['sns'] = proofAlerter;
