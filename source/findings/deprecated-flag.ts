/** `deprecated-flag`: vLLM warned that a flag or option is deprecated (engine.deprecations). */
import type {Finding, Rule} from './types.js';
import {oneLine} from './group-records.js';

// `The \`--disable-log-requests\` flag is deprecated …` → `--disable-log-requests`
const cliFlagRe = /--[a-z0-9][a-z0-9-]*/i;
// `\`max_model_len\` is deprecated …` → `max_model_len`
const backtickedRe = /`([^`]+)`/;

export const deprecatedFlag: Rule = state => {
	const seen = new Set<string>();
	const out: Finding[] = [];
	for (const d of state.engine?.deprecations ?? []) {
		const text = oneLine(d, 200);
		if (seen.has(text)) continue;
		seen.add(text);
		// `--foo-bar` or `foo_bar` named in the warning, for a subject a person can grep their manifest for.
		const flag = text.match(cliFlagRe)?.[0] ?? text.match(backtickedRe)?.[1] ?? null;
		out.push({
			id: 'deprecated-flag',
			severity: 'info',
			subject: flag ? `vLLM option ${flag}` : 'vLLM option',
			message: `"${text}". Fix: update the serving arguments before the next vLLM upgrade removes it.`,
		});
	}
	return out;
};
