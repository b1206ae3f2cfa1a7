/**
 * `infertop completion bash|zsh|fish`: a completion script for that shell. Each script is
 * thin: at every TAB it runs `infertop __complete WORDS...` (commands/complete.ts) and shows
 * what comes back, so subcommands, flags, scenario names and the cluster's namespaces and
 * workloads are always those of the executable that answers. File names are completed by
 * the shell where the answer allows it (a PATH, --kubeconfig, --save).
 *
 *   source <(infertop completion bash)                # ~/.bashrc
 *   infertop completion zsh > "${fpath[1]}/_infertop"  # or: source <(infertop completion zsh)
 *   infertop completion fish > ~/.config/fish/completions/infertop.fish
 */
import type {Options} from '../core/options.js';
import {exitCodes, type Io} from '../core/io.js';
import {shells} from './complete.js';

/** the names the scripts complete: the executable, and the name kubectl finds it by as a plugin */
const programs = ['infertop', 'kubectl-infertop'];

const bash = `# bash completion for infertop: source <(infertop completion bash)
_infertop() {
	local cmd=\${COMP_WORDS[0]} out directive line
	# a leading ~ is not expanded inside quotes; the shell would have expanded it to run the command
	[[ $cmd == "~"* ]] && cmd=$HOME\${cmd:1}
	out=$("$cmd" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
	directive=\${out##*:}
	[[ $directive =~ ^[0-9]+$ ]] || return 0
	COMPREPLY=()
	while IFS= read -r line; do
		[[ $line == :* ]] && continue
		# a description after a tab is for zsh and fish
		COMPREPLY+=("\${line%%$'\\t'*}")
	done <<<"$out"
	# bit 4: no file names when there is nothing to offer
	if (( (directive & 4) != 0 )); then compopt +o default 2>/dev/null; fi
	return 0
}
complete -o default -F _infertop ${programs.join(' ')}
`;

const zsh = `#compdef ${programs.join(' ')}
# zsh completion for infertop: infertop completion zsh > "\${fpath[1]}/_infertop", or source <(infertop completion zsh)
_infertop() {
	local out directive line
	local -a lines candidates
	out=$("\${words[1]/#\\~/$HOME}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
	lines=("\${(@f)out}")
	directive=\${lines[-1]#:}
	[[ $directive == <-> ]] || return 1
	for line in "\${(@)lines[1,-2]}"; do
		# _describe reads value:description; a colon in a value is escaped
		if [[ $line == *$'\\t'* ]]; then
			candidates+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
		else
			candidates+=("\${line//:/\\\\:}")
		fi
	done
	if (( \${#candidates} )); then
		_describe -t values 'infertop' candidates
	elif (( (directive & 4) == 0 )); then
		_files
	fi
}
if [[ "\${funcstack[1]}" == _infertop ]]; then
	_infertop "$@"
else
	compdef _infertop ${programs.join(' ')}
fi
`;

const fish = `# fish completion for infertop: infertop completion fish > ~/.config/fish/completions/infertop.fish
function __infertop_prepare
	set -l words (commandline -opc)
	set -l cmd $words[1]
	set -e words[1]
	# quoted, an empty word being completed is still passed (as "")
	set -l current (commandline -ct)
	set -g __infertop_results (command $cmd __complete $words "$current" 2>/dev/null)
	test (count $__infertop_results) -gt 0; or return 1
	set -l directive (string replace -r '^:' '' -- $__infertop_results[-1])
	set -e __infertop_results[-1]
	string match -qr '^[0-9]+$' -- $directive; or return 1
	# nothing to offer and file names allowed (bit 4 clear): let fish complete files
	if test (count $__infertop_results) -eq 0; and test (math "bitand($directive, 4)") -eq 0
		return 1
	end
	return 0
end
${programs.map(p => `complete -c ${p} -e\ncomplete -c ${p} -n __infertop_prepare -f -k -a '$__infertop_results'`).join('\n')}
`;

export const scripts: Record<(typeof shells)[number], string> = {bash, zsh, fish};

export async function run(options: Options, io: Io): Promise<number> {
	const [shell, ...rest] = options.args;
	if (!shell || rest.length > 0 || !(shells as readonly string[]).includes(shell)) {
		io.stderr.write(`infertop: completion takes one shell: ${shells.join(', ')}${options.args.length ? ` (got: ${options.args.join(' ')})` : ''}\n`);
		return exitCodes.usage;
	}
	io.stdout.write(scripts[shell as (typeof shells)[number]]);
	return exitCodes.ok;
}
