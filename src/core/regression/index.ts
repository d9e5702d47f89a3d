export * from './changepoints';
export * from './filters';
export * from './impact';
export * from './regressions';
export * from './rootcause';
export * from './series';
