/** The engine slice: vLLM's config, milestones and periodic stats as the logs print them. */
import type {EngineAddedScalars, EngineConfigScalars, EngineNodeScalars, Progress} from '../../core/engine-scalars.js';
import type {ParsedEngineStats, ParsedMilestone} from '../../parse/log-events.js';

/** The scalars are core/engine-scalars.ts's (the parser's patch and the snapshot share them); the collections are the state's. */
export interface EngineState extends EngineConfigScalars, EngineAddedScalars, EngineNodeScalars {
	/** every key of the engine-config line, as printed (secrets redacted) */
	config: Record<string, string>;
	weightsShards: Progress | null;
	graphCapture: Progress | null;
	milestones: Partial<Record<EngineMilestone, number | null>>;
	dead: {at: number | null; message: string} | null;
	deprecations: string[];
	/** the latest periodic stats line */
	stats?: EngineStats | null;
}

/** vLLM's periodic stats line as last printed (running/waiting requests, KV cache use, throughputs). */
export type EngineStats = ParsedEngineStats;

export type EngineMilestone = ParsedMilestone;
