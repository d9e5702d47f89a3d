export { callersAndCallees, findFunctions, heaviestPaths, sandwich, type CallPath, type Neighbour, type Neighbours } from './callgraph';
export { diffFunctions, diffTree, rankChanges, topChanges, type DiffTree, type FunctionDiff, type ShareChange } from './diff';
export { focusProfile, pruneProfile, type PruneMode } from './focus';
export {
  frameWeights,
  functionIndex,
  functionKey,
  functionWeights,
  hotFunction,
  rankHotFunctions,
  type FunctionIndex,
  type FunctionInfo,
  type HotFunction,
  type RankOptions,
  type Weights,
} from './functions';
export { lineCost, normalizePath, type FileLineCost, type LineCost, type SourceLocationResolver } from './lines';
export { mergeProfiles } from './merge';
export { matchFrames, parseFramePattern, type FramePattern } from './pattern';
export { percentOf } from './tree';
