import { z } from 'zod';
import { grammarIds } from './grammars';

export const severities = ['info', 'warning', 'error'] as const;
export type Severity = (typeof severities)[number];

const regexString = z.string().min(1).refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

/** A frame-name pattern that says the profile spends time in what the skill explains. */
export const ProfileSignalSchema = z.strictObject({
  /** Regular expression tested against the frame name. */
  frame: regexString,
  /** Optional regular expression the frame's file or module must also match. */
  file: regexString.optional(),
  /** What a match means, shown next to the frame. */
  meaning: z.string().min(1),
});

/** A tree-sitter query whose `capture` marks the node to report. */
export const DetectorSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case'),
  grammars: z.array(z.enum(grammarIds)).min(1),
  query: z.string().min(1),
  capture: z.string().min(1),
  message: z.string().min(1),
  severity: z.enum(severities).optional(),
  /**
   * A generic transform that fixes what this detector reports without judgement (the engine
   * performs it, and declines when it cannot prove it safe): `hoist-constant` moves a
   * constructor call with literal arguments to module scope; `index-with-set` builds a Set
   * before the loop for an `includes` lookup.
   */
  fix: z.enum(['hoist-constant', 'index-with-set']).optional(),
});

export const SkillMetadataSchema = z
  .strictObject({
    languages: z.array(z.enum(['any', 'javascript', 'typescript', 'python', 'go', 'java'])).min(1),
    severity: z.enum(severities).default('warning'),
    tools: z.array(z.string().regex(/^[a-z]+(_[a-z]+)+$/, 'must be a snake_case tool name')).min(1),
    signals: z.array(ProfileSignalSchema).default([]),
    detectors: z.array(DetectorSchema).default([]),
  })
  .refine((m) => m.signals.length + m.detectors.length > 0, { message: 'needs at least one signal or detector' });

export const SkillFrontMatterSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case').max(64),
  description: z
    .string()
    .min(1)
    .max(1024)
    .refine((d) => /\bUse when\b/.test(d), { message: 'must contain "Use when …"' }),
  metadata: SkillMetadataSchema,
});

export type ProfileSignal = z.infer<typeof ProfileSignalSchema>;
export type DetectorSpec = z.infer<typeof DetectorSchema>;
export type SkillFrontMatter = z.infer<typeof SkillFrontMatterSchema>;

/** Body sections every SKILL.md must have, as `## ` headings. */
export const requiredSections = ['When to use', 'Evidence to collect', 'Procedure', 'Edit pattern', 'Verify'] as const;
