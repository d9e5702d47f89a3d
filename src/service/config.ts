import { z } from 'zod';
import { defaultDetectionOptions } from './detection';

/** Capacity-planning numbers for a service: how many cores it runs on and what a core draws. */
export const fleetSchema = z.object({
  cores: z.number().positive(),
  wattsPerCore: z.number().positive().default(200),
});

/** The service's configuration file (`--config FILE`, JSON); flags override it. */
export const configFileSchema = z
  .object({
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    token: z.string().min(8, 'token must be at least 8 characters').optional(),
    maxBodyBytes: z.number().int().positive().optional(),
    maxDecompressedBytes: z.number().int().positive().optional(),
    storeMinShare: z.number().min(0).max(1).optional(),
    services: z
      .record(
        z.string(),
        z.object({
          repo: z.string().min(1).optional().describe('git repository of the service, for root cause'),
          fleet: fleetSchema.optional(),
        }),
      )
      .default({}),
    detection: z
      .object({
        pValue: z.number().gt(0).lt(1).optional(),
        minChange: z.number().min(0).optional(),
        minAbsoluteChange: z.number().min(0).optional(),
        trackShare: z.number().min(0).max(1).optional(),
        maxTracked: z.number().int().positive().optional(),
        window: z.number().int().min(4).optional(),
        confirmPoints: z.number().int().min(1).optional(),
        stableWindows: z.number().int().min(1).optional(),
        ignore: z
          .array(
            z.string().refine((s) => {
              try {
                new RegExp(s);
                return true;
              } catch {
                return false;
              }
            }, 'must be a valid regular expression'),
          )
          .optional(),
      })
      .default({}),
  })
  .strict();

export type ConfigFile = z.output<typeof configFileSchema>;

export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  token?: string;
  /** Largest request body accepted, as sent (413 beyond). */
  maxBodyBytes: number;
  /** Largest content after removing gzip/deflate (413 beyond; stops gzip bombs). */
  maxDecompressedBytes: number;
  /** Functions below this inclusive share of a window are not stored for it. */
  storeMinShare: number;
  /** Git repository per service name; the key "*" applies to every service. */
  repos: Record<string, string>;
  fleet: Record<string, z.output<typeof fleetSchema>>;
  detection: typeof defaultDetectionOptions;
}

export const defaultConfig: Omit<ServiceConfig, 'dataDir'> = {
  host: '127.0.0.1',
  port: 4318,
  maxBodyBytes: 32 * 1024 * 1024,
  maxDecompressedBytes: 256 * 1024 * 1024,
  storeMinShare: 0.0001,
  repos: {},
  fleet: {},
  detection: defaultDetectionOptions,
};

/** Merges a parsed config file over the defaults. */
export function configFrom(file: ConfigFile, dataDir: string): ServiceConfig {
  const repos: Record<string, string> = {};
  const fleet: ServiceConfig['fleet'] = {};
  for (const [name, s] of Object.entries(file.services)) {
    if (s.repo) repos[name] = s.repo;
    if (s.fleet) fleet[name] = s.fleet;
  }
  return {
    ...defaultConfig,
    dataDir,
    host: file.host ?? defaultConfig.host,
    port: file.port ?? defaultConfig.port,
    token: file.token,
    maxBodyBytes: file.maxBodyBytes ?? defaultConfig.maxBodyBytes,
    maxDecompressedBytes: file.maxDecompressedBytes ?? defaultConfig.maxDecompressedBytes,
    storeMinShare: file.storeMinShare ?? defaultConfig.storeMinShare,
    repos,
    fleet,
    detection: { ...defaultDetectionOptions, ...stripUndefined(file.detection) },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
