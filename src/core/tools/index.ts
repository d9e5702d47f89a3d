import { compareProfiles } from './compare-profiles';
import { findReferences } from './find-references';
import { findSymbol } from './find-symbol';
import { getCallPaths } from './get-call-paths';
import { getCallersCallees } from './get-callers-callees';
import { getHotLines } from './get-hot-lines';
import { getHotspots } from './get-hotspots';
import { gitBlame, gitDiff, gitLog, gitShowCommit } from './git-tools';
import { listProfiles } from './list-profiles';
import { loadProfile } from './load-profile';
import { proposeEdit } from './propose-edit';
import { readFile } from './read-file';
import { runBenchmark } from './run-benchmark';
import { searchText } from './search-text';
import { listSkills, readSkill, runSkillDetectors } from './skill-tools';
import type { Tool } from './tool';

export { invokeTool, toolJsonSchema, ToolError, type Tool, type ToolEffect, type ToolOutput, type ToolResult } from './tool';
export { ProfileCatalog, type ConfirmRequest, type LanguageServer, type ToolContext } from './context';

/** Every tool, grouped as the issue lists them: profiles, code, history, skills, change. */
export const allTools: readonly Tool[] = [
  listProfiles,
  loadProfile,
  getHotspots,
  getHotLines,
  getCallPaths,
  getCallersCallees,
  compareProfiles,
  readFile,
  searchText,
  findSymbol,
  findReferences,
  gitLog,
  gitBlame,
  gitDiff,
  gitShowCommit,
  listSkills,
  readSkill,
  runSkillDetectors,
  proposeEdit,
  runBenchmark,
] as Tool[];

export function toolByName(name: string): Tool | undefined {
  return allTools.find((t) => t.name === name);
}
