export * from './errors';
export * from './periods';
export * from './schedule';
export * from './display';
