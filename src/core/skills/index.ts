export { builtinSkillsDir, loadDefaultSkills, loadSkills, SkillLibrary, workspaceSkillsDir, type Skill, type SkillLoadError } from './library';
export { runDetectors, type DetectorOptions, type DetectorResult, type Finding, type ScanError, type SourceText } from './detectors';
export { matchProfileSignals, type SignalFrame, type SignalMatch } from './signals';
export { collectSourceFiles } from './files';
export { grammarForFile, grammarIds, type GrammarId } from './grammars';
export type { Severity } from './schema';
export { scanCode, type RankedFinding, type ScanOptions, type ScanResult } from './scan';
export { ProfileCostIndex } from './weights';
